using System.Diagnostics;
using System.Globalization;
using FineTune.Vision.Data;
using FineTune.Vision.Models;
using FineTune.Vision.Optim;
using FineTune.Vision.Samples;
using FineTune.Vision.Training;
using FineTune.Vision.Training.Callbacks;
using FineTune.Vision.Weights;
using QuickStart;
using TorchSharp;

// Pretrains the small ViT that samples/QuickStart fine-tunes: Fashion-MNIST classes 0-4 (T-shirt/top, Trouser,
// Pullover, Dress, Coat) from the subset in samples/data/fashion-mnist, and writes it as safetensors with metadata.
//   dotnet run --project samples/Pretrain -c Release -- [--epochs 60] [--seed 0] [--out FILE]
return EntryPoint.RunProgram(() =>
{
    string repo = FashionMnist.RepositoryRoot();
    int epochs = int.Parse(Option("--epochs") ?? "60", CultureInfo.InvariantCulture);
    long seed = long.Parse(Option("--seed") ?? "0", CultureInfo.InvariantCulture);
    string output = Option("--out") ?? PretrainedCheckpoint.DefaultPath(repo);

    const string Architecture = "vit_tiny_patch16_224";
    var config = new Dictionary<string, string>
    {
        ["img_size"] = "28", ["patch_size"] = "4", ["embed_dim"] = "64", ["depth"] = "4", ["num_heads"] = "4",
        ["mlp_ratio"] = "2", ["num_classes"] = "5",
    };
    const double DropPath = 0.1, Lr = 2e-3, WeightDecay = 0.05, LabelSmoothing = 0.1, Warmup = 0.1;
    const int BatchSize = 64;

    torch.set_num_threads(1);        // a tiny model: one libtorch thread is fastest on 2 cores
    string data = FashionMnist.DataDirectory(repo);
    ClassSubset trainSet = FashionMnist.Open(data, train: true, FashionMnist.PretrainClasses);
    ClassSubset testSet = FashionMnist.Open(data, train: false, FashionMnist.PretrainClasses);
    Console.WriteLine($"pretraining {Architecture} ({string.Join(", ", config.Select(p => $"{p.Key}={p.Value}"))}) on {trainSet.Count} images of [{string.Join(", ", trainSet.ClassNames)}]");

    torch.manual_seed(seed);
    using var model = VisionModels.Create<ModelConfig>(Architecture, c => c.WithOverrides(new Dictionary<string, string>(config) { ["drop_path_rate"] = DropPath.ToString(CultureInfo.InvariantCulture) }));
    using var trainer = new Trainer(model, new TrainerOptions
    {
        Epochs = epochs,
        BatchSize = BatchSize,
        Workers = 1,
        Seed = seed,
        Optimizer = Optimizers.AdamW(Lr, weightDecay: WeightDecay),
        Schedule = LrSchedules.Cosine(warmupFraction: Warmup),
        LabelSmoothing = LabelSmoothing,
        Callbacks = { new ProgressDisplay(lineEveryNBatches: 1000) },
    });
    var clock = Stopwatch.StartNew();
    trainer.Fit(trainSet.With(FashionMnist.TrainEncoder()));
    double minutes = clock.Elapsed.TotalMinutes;

    using var testLoader = new DataLoader(testSet.With(FashionMnist.EvalEncoder()), new DataLoaderOptions { BatchSize = 300, Workers = 1 });
    EvaluationResult test = trainer.Evaluate(testLoader);
    Console.WriteLine($"held-out test images of classes 0-4 ({test.Samples}): top-1 {test.Top1:P2}, loss {test.Loss:F4}; trained in {minutes:F1} min");

    var metadata = PretrainedCheckpoint.Describe(trainSet.ClassNames, test.Top1);
    metadata["test_images"] = $"{test.Samples} (samples/data/fashion-mnist t10k subset, classes 0-4)";
    metadata["train_images"] = $"{trainSet.Count} (samples/data/fashion-mnist train subset, classes 0-4)";
    metadata["recipe"] = string.Create(CultureInfo.InvariantCulture,
        $"{epochs} epochs, batch {BatchSize}, AdamW lr {Lr} wd {WeightDecay}, cosine with {Warmup:P0} linear warm-up, label smoothing {LabelSmoothing}, drop_path_rate {DropPath}, pad-2 random crop + horizontal flip, inputs scaled to [-1, 1], fp32, 1 libtorch thread");
    metadata["seed"] = seed.ToString(CultureInfo.InvariantCulture);
    metadata["command"] = $"dotnet run --project samples/Pretrain -c Release -- --epochs {epochs} --seed {seed}";
    metadata["mean"] = metadata["std"] = "0.5,0.5,0.5";
    model.ClassNames = trainSet.ClassNames;                                         // Fit has named them already; said for the reader
    model.PretrainedConfig = model.PretrainedConfig with { CropPct = 1.0 };         // evaluated on whole 28x28 images, no crop
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
    model.Save(output, metadata);                                                   // one model file: VisionModels.Load rebuilds it
    Console.WriteLine($"wrote {output} ({new FileInfo(output).Length / 1024} KiB)");
    return 0;
});

string? Option(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
