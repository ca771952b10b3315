using FineTune.Vision.Cli;

// FineTune.Vision command line: checks and previews for models, weights, augmentations and schedules; evaluation,
// prediction and the LR range test with trained weights.
var verbs = new Dictionary<string, (string Usage, Func<CommandLine, TextWriter, int> Run)>(StringComparer.Ordinal)
{
    ["augment-preview"] = (AugmentPreviewVerb.Usage, AugmentPreviewVerb.Run),
    ["evaluate"] = (EvaluateVerb.Usage, EvaluateVerb.Run),
    ["inspect"] = (InspectVerb.Usage, InspectVerb.Run),
    ["logits"] = (LogitsVerb.Usage, LogitsVerb.Run),
    ["lr-find"] = (LrFindVerb.Usage, LrFindVerb.Run),
    ["predict"] = (PredictVerb.Usage, PredictVerb.Run),
    ["schedule"] = (ScheduleVerb.Usage, ScheduleVerb.Run),
    ["train"] = (TrainVerb.Usage, TrainVerb.Run),
};

try
{
    if (args.Length == 0 || args[0] is "help" or "--help" or "-h")
    {
        PrintUsage(Console.Out);
        return args.Length == 0 ? 2 : 0;
    }
    var line = CommandLine.Parse(args);
    if (!verbs.TryGetValue(line.Verb, out var verb))
        throw new UsageException($"Unknown verb '{line.Verb}'. Verbs: {string.Join(", ", verbs.Keys)}.");
    return verb.Run(line, Console.Out);
}
catch (UsageException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    PrintUsage(Console.Error);
    return 2;
}
catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

void PrintUsage(TextWriter writer)
{
    writer.WriteLine("usage: FineTune.Vision.Cli <verb> [options]");
    foreach (var (_, verb) in verbs) writer.WriteLine("  " + verb.Usage);
}
