using FineTune.Vision.Samples;
using QuickStart;

// Fine-tunes a small pretrained vision transformer on real data shipped with the repository, on the CPU, in about
// two minutes: the checkpoint samples/data/pretrained/vit_fmnist5_tiny.safetensors (pretrained on Fashion-MNIST
// classes 0-4 by samples/Pretrain) learns classes 5-9, a label set it never saw.
//   dotnet run --project samples/QuickStart -- [--epochs 10] [--out quickstart-out] [--no-baselines] [--smoke]
if (args is ["--help"] or ["-h"])
{
    Console.WriteLine(QuickStartOptions.Usage);
    return 0;
}
return EntryPoint.RunProgram(() =>
{
    QuickStartOptions options;
    try
    {
        options = QuickStartOptions.Parse(args);
    }
    catch (ArgumentException e)
    {
        Console.Error.WriteLine($"error: {e.Message}");
        Console.Error.WriteLine(QuickStartOptions.Usage);
        return 2;
    }
    QuickStartRun.Run(options, Console.Out);
    return 0;
});
