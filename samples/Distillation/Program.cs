using System.Diagnostics;
using System.Globalization;
using FineTune.Vision.Data;
using FineTune.Vision.Metrics;
using FineTune.Vision.Models;
using FineTune.Vision.Optim;
using FineTune.Vision.Samples;
using FineTune.Vision.Training;
using FineTune.Vision.Training.Losses;
using FineTune.Vision.Weights;
using QuickStart;
using TorchSharp;

// Knowledge distillation as DeiT does it, on the shipped Fashion-MNIST subset (all 10 classes: 3000 training and 600
// test images). Trains a bigger ViT teacher, saves it as one model file, then trains a small distilled DeiT student twice
// with the same budget, seed and initial weights: on the labels alone, and with DistillationLoss (the teacher loaded
// from its file; the class head learns the labels, the distillation head the teacher). Prints each test accuracy with
// its 95 % Clopper-Pearson interval and the exact McNemar test of the two students on the same test images.
//   dotnet run --project samples/Distillation -c Release -- [--smoke] [--teacher-epochs 40] [--student-epochs 15]
//       [--type hard|soft] [--alpha 0.5] [--tau 1] [--seed 0] [--out DIR] [--teacher FILE]
return EntryPoint.RunProgram(() =>
{
    bool smoke = args.Contains("--smoke");
    int teacherEpochs = int.Parse(Option("--teacher-epochs") ?? (smoke ? "1" : "40"), CultureInfo.InvariantCulture);
    int studentEpochs = int.Parse(Option("--student-epochs") ?? (smoke ? "1" : "15"), CultureInfo.InvariantCulture);
    var type = Enum.Parse<DistillationType>(Option("--type") ?? "hard", ignoreCase: true);
    double alpha = double.Parse(Option("--alpha") ?? "0.5", CultureInfo.InvariantCulture);
    double tau = double.Parse(Option("--tau") ?? "1", CultureInfo.InvariantCulture);
    long seed = long.Parse(Option("--seed") ?? "0", CultureInfo.InvariantCulture);
    string output = Option("--out") ?? Path.Combine(Path.GetTempPath(), "ftv-distillation");
    const int BatchSize = 64;
    const double Lr = 2e-3, WeightDecay = 0.05, Smoothing = 0.1;

    torch.set_num_threads(1);        // tiny models: one libtorch thread is fastest on 2 cores
    string data = FashionMnist.DataDirectory(FashionMnist.RepositoryRoot());
    int[] classes = [.. Enumerable.Range(0, 10)];
    IImageDataset trainSet = FashionMnist.Open(data, train: true, classes), testSet = FashionMnist.Open(data, train: false, classes);
    if (smoke)
    {
        trainSet = trainSet.Subset([.. Enumerable.Range(0, 256).Select(i => i * trainSet.Count / 256)]);
        testSet = testSet.Subset([.. Enumerable.Range(0, 100).Select(i => i * testSet.Count / 100)]);
    }
    Directory.CreateDirectory(output);
    using var testLoader = new DataLoader(testSet.With(FashionMnist.EvalEncoder()), new DataLoaderOptions { BatchSize = 300, Workers = 1 });
    Console.WriteLine($"Fashion-MNIST subset: {trainSet.Count} training, {testSet.Count} test images, 10 classes; seed {seed}");

    TrainerOptions Options(int epochs, LossFunction loss) => new()
    {
        Epochs = epochs, BatchSize = BatchSize, Workers = 1, Seed = seed, Loss = loss,
        Optimizer = Optimizers.AdamW(Lr, weightDecay: WeightDecay),
        Schedule = LrSchedules.Cosine(warmupFraction: 0.1),
    };

    // The teacher: patch 4 (49 tokens), width 64, depth 4; or a saved one (--teacher FILE: evaluated, not trained).
    string teacherFile = Option("--teacher") ?? Path.Combine(output, "teacher.safetensors");
    var clock = Stopwatch.StartNew();
    if (Option("--teacher") is null)
    {
        using var teacher = VisionModels.Create<ModelConfig>("vit_tiny_patch16_224", c => c.WithOverrides(new Dictionary<string, string>
        {
            ["img_size"] = "28", ["patch_size"] = "4", ["embed_dim"] = "64", ["depth"] = "4", ["num_heads"] = "4", ["mlp_ratio"] = "2",
            ["num_classes"] = "10", ["drop_path_rate"] = "0.1",
        }), seed: seed);
        using var trainer = new Trainer(teacher, Options(teacherEpochs, new LabelSmoothingCrossEntropy(Smoothing)));
        trainer.Fit(trainSet.With(FashionMnist.TrainEncoder()));
        teacher.Save(teacherFile);
        Report($"teacher (ViT patch 4, dim 64, depth 4; {teacherEpochs} epochs)", trainer.Predict(testLoader), clock);
    }
    else
    {
        using var teacher = VisionModels.Load(teacherFile);
        using var evaluator = new Trainer(teacher);
        Report($"teacher ({teacherFile})", evaluator.Predict(testLoader), clock);
    }

    // The students: a distilled DeiT with patch 7 (16 tokens), width 32, depth 2; same seed, so the same initial weights.
    Predictions Student(LossFunction loss, string name)
    {
        var watch = Stopwatch.StartNew();
        using var student = VisionModels.Create<VitConfig>("deit_tiny_distilled_patch16_224",
            c => c with { ImgSize = 28, PatchSize = 7, EmbedDim = 32, Depth = 2, NumHeads = 2, MlpRatio = 2, NumClasses = 10 }, seed: seed);
        using var trainer = new Trainer(student, Options(studentEpochs, loss));
        trainer.Fit(trainSet.With(FashionMnist.TrainEncoder()));
        Predictions predictions = trainer.Predict(testLoader);
        Report(name, predictions, watch);
        return predictions;
    }
    Predictions alone = Student(new LabelSmoothingCrossEntropy(Smoothing), $"student, labels only ({studentEpochs} epochs)");
    Predictions distilled;
    using (var distillation = DistillationLoss.FromFile(teacherFile, type, alpha, tau, baseLoss: new LabelSmoothingCrossEntropy(Smoothing)))
        distilled = Student(distillation, $"student, distilled ({type.ToString().ToLowerInvariant()}, α {alpha}, τ {tau}; {studentEpochs} epochs)");

    var test = McNemarTest.Compare(distilled.TrueLabels, distilled.Labels, alone.Labels);
    Console.WriteLine($"distilled vs labels only (exact McNemar, b = only distilled right, c = only labels-only right): {test}");
    return 0;
});

static void Report(string name, Predictions predictions, Stopwatch clock)
{
    long correct = predictions.Labels.Zip(predictions.TrueLabels).LongCount(p => p.First == p.Second);
    var accuracy = new AccuracyEstimate(correct, predictions.Count);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: test top-1 {accuracy} ({correct}/{predictions.Count}), {clock.Elapsed.TotalSeconds:F0} s"));
}

string? Option(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
