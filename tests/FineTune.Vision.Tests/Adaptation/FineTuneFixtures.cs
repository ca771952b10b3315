using System.Diagnostics;
using System.Text.Json;
using FineTune.Vision.Data;
using FineTune.Vision.Models;
using FineTune.Vision.Optim;
using FineTune.Vision.Tests.Data;
using FineTune.Vision.Tests.Training;
using FineTune.Vision.Training;
using FineTune.Vision.Transforms;
using FineTune.Vision.Weights;

namespace FineTune.Vision.Tests.Adaptation;

/// <summary>
/// A checkpoint pretrained on Fashion-MNIST classes 0-4 and the fine-tuning task on classes 5-9 (real data, the
/// shipped subset). The checkpoint is samples/data/pretrained/vit_fmnist5_tiny.safetensors when the repository has it
/// (made by samples/Pretrain); otherwise a same-architecture model is pretrained here once per test run.
/// </summary>
internal static class FineTuneFixtures
{
    public static readonly int[] PretrainClasses = [0, 1, 2, 3, 4];
    public static readonly int[] TargetClasses = [5, 6, 7, 8, 9];

    private const string Architecture = "vit_tiny_patch16_224";

    /// <summary>timm kwargs of the in-test checkpoint (the shipped one carries its own in its metadata).</summary>
    private static readonly Dictionary<string, string> InTestConfig = new()
    {
        ["img_size"] = "28", ["patch_size"] = "4", ["embed_dim"] = "64", ["depth"] = "4", ["num_heads"] = "4", ["mlp_ratio"] = "2", ["num_classes"] = "5",
    };

    private static readonly Lazy<(string Path, Dictionary<string, string> Config, string Origin)> Checkpoint = new(Locate);

    /// <summary>Where the pretrained weights came from (for the test output).</summary>
    public static string Origin => Checkpoint.Value.Origin;

    /// <summary>The shipped checkpoint's path in the repository.</summary>
    public static string ShippedPath => Path.Combine(Path.GetDirectoryName(DataFixtures.FashionMnist)!, "pretrained", "vit_fmnist5_tiny.safetensors");

    /// <summary>Items of classes 5-9 relabelled 0-4: the first <paramref name="perClass"/> of each.</summary>
    public static IImageDataset Target(bool train, int perClass) => Subset(train, TargetClasses, perClass);

    public static IImageDataset Subset(bool train, int[] classes, int perClass)
    {
        var source = IdxDataset.Open(train ? DataFixtures.FashionTrainImages : DataFixtures.FashionTestImages,
            train ? DataFixtures.FashionTrainLabels : DataFixtures.FashionTestLabels, IdxDataset.FashionMnistClasses);
        return new ClassSubsetDataset(source, classes, perClass);
    }

    /// <summary>28x28 images scaled to [-1, 1] (as the checkpoint was pretrained).</summary>
    public static SampleSource Encode(IImageDataset dataset) => dataset.With(new SampleEncoder(new Compose(), 28, 28, Normalization.Inception));

    /// <summary>The pretrained model with a fresh 5-class head for classes 5-9.</summary>
    public static VisionModel CreatePretrained(int headSeed = 0)
    {
        var (path, config, _) = Checkpoint.Value;
        var model = ModelRegistry.Create(Architecture, config).LoadPretrained(path);
        TorchSharp.torch.manual_seed(headSeed);
        model.ResetClassifier(TargetClasses.Length);
        return model;
    }

    /// <summary>Top-1 accuracy of <paramref name="model"/> on the held-out test images of classes 5-9.</summary>
    public static double TestAccuracy(Trainer trainer, int perClass = 60)
    {
        using var loader = TrainingFixtures.Loader(Encode(Target(train: false, perClass)), 150, shuffle: false);
        return trainer.Evaluate(loader).Top1;
    }

    private static (string, Dictionary<string, string>, string) Locate()
    {
        if (File.Exists(ShippedPath))
        {
            var metadata = SafeTensors.ReadHeader(ShippedPath).Metadata;
            using var json = JsonDocument.Parse(metadata["config"]);
            var config = json.RootElement.EnumerateObject().ToDictionary(p => p.Name,
                p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText(), StringComparer.Ordinal);
            return (ShippedPath, config, $"shipped checkpoint {ShippedPath}");
        }
        return (PretrainHere(), InTestConfig, "pretrained in-test");
    }

    /// <summary>2 epochs on the 1500 training images of classes 0-4 (about the quality of a short pretraining).</summary>
    private static string PretrainHere()
    {
        using var threads = TrainingFixtures.SingleThread();
        var clock = Stopwatch.StartNew();
        TorchSharp.torch.manual_seed(0);
        using var model = ModelRegistry.Create(Architecture, InTestConfig);
        using var trainer = new Trainer(model, new TrainerOptions
        {
            Epochs = 2, BatchSize = 64, Workers = 1, Optimizer = Optimizers.AdamW(2e-3, weightDecay: 0.05), Schedule = LrSchedules.Cosine(warmupFraction: 0.1),
        });
        trainer.Fit(Encode(Subset(train: true, PretrainClasses, 300)));
        string dir = Path.Combine(Path.GetTempPath(), $"finetune-vision-tests-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, "vit_fmnist5_intest.safetensors");
        SafeTensors.Save(path, model.state_dict());
        PretrainSeconds = clock.Elapsed.TotalSeconds;
        return path;
    }

    /// <summary>Seconds the in-test pretraining took (0 with the shipped checkpoint).</summary>
    public static double PretrainSeconds { get; private set; }
}
