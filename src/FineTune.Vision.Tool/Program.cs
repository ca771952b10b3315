using FineTune.Vision.Cli;
using FineTune.Vision.Samples;

// ftv, the FineTune.Vision command line (a .NET tool: dotnet tool install -g FineTune.Vision.Tool). The verbs are in
// CliApp; errors end as `error: message`, exit 1 (2 for usage). The first Ctrl+C cancels the token: training stops after
// the current step and saves a recovery checkpoint (exit 130); a second Ctrl+C ends the process at once.
using var cancellation = new CancellationTokenSource();
ConsoleCancelEventHandler onCancel = (_, e) =>
{
    if (cancellation.IsCancellationRequested) return;
    e.Cancel = true;
    Console.Error.WriteLine("stopping after the current step (Ctrl+C again to end at once) …");
    cancellation.Cancel();
};
Console.CancelKeyPress += onCancel;
try
{
    return EntryPoint.RunProgram(() => CliApp.Run(args, Console.Out, Console.Error, cancellation.Token));
}
finally
{
    Console.CancelKeyPress -= onCancel;
}
