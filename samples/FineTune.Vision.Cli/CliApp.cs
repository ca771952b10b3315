using FineTune.Vision.Samples;

namespace FineTune.Vision.Cli;

/// <summary>
/// The command line as a function of its arguments and two writers (what <c>Program.cs</c> runs, and what tests run
/// in-process): dispatch to a verb; exit code 0 done, 1 failed (<c>error: message</c>, see <see cref="EntryPoint"/>),
/// 2 wrong arguments (the message and the usage).
/// </summary>
public static class CliApp
{
    /// <summary>Each verb's usage line and its function.</summary>
    public static IReadOnlyDictionary<string, (string Usage, Func<CommandLine, TextWriter, int> Run)> Verbs { get; } =
        new Dictionary<string, (string, Func<CommandLine, TextWriter, int>)>(StringComparer.Ordinal)
        {
            ["augment-preview"] = (AugmentPreviewVerb.Usage, AugmentPreviewVerb.Run),
            ["evaluate"] = (EvaluateVerb.Usage, EvaluateVerb.Run),
            ["export"] = (ExportVerb.Usage, ExportVerb.Run),
            ["inspect"] = (InspectVerb.Usage, InspectVerb.Run),
            ["logits"] = (LogitsVerb.Usage, LogitsVerb.Run),
            ["lr-find"] = (LrFindVerb.Usage, LrFindVerb.Run),
            ["predict"] = (PredictVerb.Usage, PredictVerb.Run),
            ["schedule"] = (ScheduleVerb.Usage, ScheduleVerb.Run),
            ["train"] = (TrainVerb.Usage, TrainVerb.Run),
        };

    /// <summary>Runs the command line <paramref name="args"/>; returns the exit code.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (args.Count == 0 || args[0] is "help" or "--help" or "-h")
        {
            WriteUsage(output);
            return args.Count == 0 ? 2 : 0;
        }
        return EntryPoint.Run(() =>
        {
            try
            {
                var line = CommandLine.Parse(args);
                if (!Verbs.TryGetValue(line.Verb, out var verb))
                    throw new UsageException($"Unknown verb '{line.Verb}'. Verbs: {string.Join(", ", Verbs.Keys)}.");
                return verb.Run(line, output);
            }
            catch (UsageException e)
            {
                error.WriteLine($"error: {e.Message}");
                WriteUsage(error);
                return 2;
            }
        }, error);
    }

    private static void WriteUsage(TextWriter writer)
    {
        writer.WriteLine("usage: FineTune.Vision.Cli <verb> [options]");
        foreach (var (_, verb) in Verbs) writer.WriteLine("  " + verb.Usage);
        writer.WriteLine($"  (set {EntryPoint.DebugVariable}=1 to see the full exception of an error)");
    }
}
