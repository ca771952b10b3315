using System.CommandLine;
using FineTune.Vision.Recipes;
using FineTune.Vision.Samples;

namespace FineTune.Vision.Cli;

/// <summary>
/// The <c>ftv</c> command line as a function of its arguments, two writers and a cancellation token (what
/// <c>Program.cs</c> runs with Ctrl+C wired to the token, and what tests run in-process), on System.CommandLine: exit
/// code 0 done, 1 failed (<c>error: message</c>, see <see cref="EntryPoint"/>), 2 wrong arguments (<c>error: message</c>
/// naming the option, and where the help is), 130 cancelled.
/// </summary>
public static class CliApp
{
    /// <summary>The verbs, in the order of the help text.</summary>
    public static IReadOnlyList<string> VerbNames => [.. Root(CancellationToken.None).Subcommands.Select(c => c.Name)];

    /// <summary>The root command with every verb; <paramref name="cancellationToken"/> is handed to the long-running verbs (<c>train</c>).</summary>
    public static RootCommand Root(CancellationToken cancellationToken)
    {
        var root = new RootCommand("ftv: the FineTune.Vision command line. Train and fine-tune vision transformers (timm train.py option names), "
                                   + $"evaluate, predict, export, inspect weights, preview augmentations and schedules. Set {EntryPoint.DebugVariable}=1 to see the full exception of an error.")
        {
            AugmentPreviewVerb.Command(),
            EvaluateVerb.Command(),
            ExportVerb.Command(),
            InspectVerb.Command(),
            LogitsVerb.Command(),
            LrFindVerb.Command(),
            PredictVerb.Command(),
            ScheduleVerb.Command(),
            TrainVerb.Command(cancellationToken),
        };
        return root;
    }

    /// <summary>Parses <paramref name="args"/> for one verb; parse errors become a <see cref="UsageException"/> (for tests and callers that run a verb's function directly).</summary>
    /// <exception cref="UsageException">The command line does not parse (the message names the option).</exception>
    public static VerbInput Parse(IReadOnlyList<string> args)
    {
        ParseResult parse = Root(CancellationToken.None).Parse(args);
        if (parse.Errors.Count > 0) throw new UsageException(string.Join(" ", parse.Errors.Select(e => e.Message)));
        return new VerbInput(parse);
    }

    /// <summary>Runs the command line <paramref name="args"/>; returns the exit code.</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        RootCommand root = Root(cancellationToken);
        var configuration = new InvocationConfiguration
        {
            Output = output, Error = error, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null,
        };
        if (args.Count == 0)
        {
            root.Parse(["--help"]).Invoke(new InvocationConfiguration { Output = error, Error = error, EnableDefaultExceptionHandler = false });
            return 2;
        }
        return EntryPoint.Run(() =>
        {
            if (TrainVerb.RecipeHelp(args, output)) return 0;
            ParseResult parse = root.Parse(args);
            string verb = parse.CommandResult.Command == root ? "" : parse.CommandResult.Command.Name + " ";
            try
            {
                if (parse.Errors.Count > 0)
                {
                    foreach (var e in parse.Errors) error.WriteLine($"error: {e.Message}");
                    return Usage(error, verb);
                }
                return parse.Invoke(configuration);
            }
            catch (Exception e) when (e is UsageException or RecipeUsageException)
            {
                error.WriteLine($"error: {e.Message}");
                return Usage(error, verb);
            }
        }, error);
    }

    private static int Usage(TextWriter error, string verb)
    {
        error.WriteLine($"usage: see 'ftv {verb}--help'");
        return 2;
    }
}
