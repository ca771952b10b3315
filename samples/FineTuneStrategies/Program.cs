using System.Diagnostics;
using System.Globalization;
using FineTune.Vision.Data;
using FineTune.Vision.Models;
using FineTune.Vision.Optim;
using FineTune.Vision.Samples;
using FineTune.Vision.Training;
using FineTune.Vision.Weights;
using QuickStart;
using TorchSharp;

// Fine-tunes the project's pretrained checkpoint (Fashion-MNIST classes 0-4) on classes 5-9 with every FineTuneStrategy
// for the same number of epochs and prints a markdown table of held-out accuracy, trainable share and time.
//   dotnet run --project samples/FineTuneStrategies -c Release -- [--epochs 5] [--seed 0] [--lr 0.01] [--strategy Full]
// The strategies that unfreeze spend the first epoch head-only (fastai's freeze_epochs=1) and the rest unfrozen.
return EntryPoint.RunProgram(() =>
{
    var c = CultureInfo.InvariantCulture;
    int epochs = int.Parse(Option("--epochs") ?? "5", c);
    long seed = long.Parse(Option("--seed") ?? "0", c);
    double? lr = Option("--lr") is string l ? double.Parse(l, c) : null;
    FineTuneStrategy[] strategies = Option("--strategy") is string s ? [Enum.Parse<FineTuneStrategy>(s, ignoreCase: true)] : Enum.GetValues<FineTuneStrategy>();
    if (epochs < 2) throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "Use --epochs 2 or more (one head-only warm-up epoch, then at least one more).");

    torch.set_num_threads(1);            // a tiny model: one libtorch thread is fastest on a busy 2-core machine
    string repo = FashionMnist.RepositoryRoot();
    var checkpoint = PretrainedCheckpoint.Read(PretrainedCheckpoint.DefaultPath(repo));
    string data = FashionMnist.DataDirectory(repo);
    ClassSubset train = FashionMnist.Open(data, train: true, FashionMnist.FineTuneClasses);
    ClassSubset test = FashionMnist.Open(data, train: false, FashionMnist.FineTuneClasses);
    Console.WriteLine($"checkpoint {Path.GetFileName(checkpoint.Path)} ({checkpoint.Architecture}, pretrained on [{string.Join(", ", checkpoint.ClassNames)}], {checkpoint.TestTop1:P2} there)");
    Console.WriteLine($"fine-tuning on [{string.Join(", ", train.ClassNames)}]: {train.Count} training images, {test.Count} held-out test images; {epochs} epochs each, seed {seed}");
    Console.WriteLine();
    Console.WriteLine("| strategy | base rate | test top-1 | trainable (first → last epoch) | time |");
    Console.WriteLine("| --- | ---: | ---: | --- | ---: |");
    foreach (FineTuneStrategy strategy in strategies)
    {
        double rate = lr ?? (strategy == FineTuneStrategy.HeadOnly ? 3e-2 : 1e-2);
        bool unfreezes = strategy is not (FineTuneStrategy.HeadOnly or FineTuneStrategy.Lora);
        var clock = Stopwatch.StartNew();
        torch.manual_seed(seed);
        using var model = VisionModels.Create<ModelConfig>(checkpoint.Architecture, _ => checkpoint.Config).LoadPretrained(checkpoint.Path, new WeightLoadOptions { Strict = true });
        model.ResetClassifier(train.ClassNames.Count);
        using var tuner = new FineTuner(model, new FineTuneOptions
        {
            Strategy = strategy, Epochs = unfreezes ? epochs - 1 : epochs, FreezeEpochs = 1, Optimizer = Optimizers.AdamW(rate),
            Training = new TrainerOptions { BatchSize = 32, Workers = 1, Seed = seed },
        });
        double first = tuner.Report().Percent;
        tuner.Fit(train.With(FashionMnist.TrainEncoder()));
        using var loader = new DataLoader(test.With(FashionMnist.EvalEncoder()), new DataLoaderOptions { BatchSize = 300, Workers = 1 });
        EvaluationResult result = tuner.Trainer.Evaluate(loader);
        Console.WriteLine(string.Create(c, $"| {strategy} | {rate:G3} | {result.Top1:P1} | {first:0.##}% → {tuner.Report().Percent:0.##}% | {clock.Elapsed.TotalSeconds:F0} s |"));
    }
    return 0;
});

string? Option(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
