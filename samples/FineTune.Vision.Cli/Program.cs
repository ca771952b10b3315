using FineTune.Vision.Cli;
using FineTune.Vision.Samples;

// FineTune.Vision command line: checks and previews for models, weights, augmentations and schedules; evaluation,
// prediction and the LR range test with trained weights. The verbs are in CliApp; errors end as `error: message`, exit 1.
return EntryPoint.RunProgram(() => CliApp.Run(args, Console.Out, Console.Error));
