using FineTune.Vision.Cli;
using FineTune.Vision.Data;
using FineTune.Vision.Models;
using FineTune.Vision.Optim;
using FineTune.Vision.Tests.Data;
using FineTune.Vision.Tests.Training;
using FineTune.Vision.Training;
using FineTune.Vision.Transforms;
using FineTune.Vision.Weights;

namespace FineTune.Vision.Tests.Cli;

/// <summary>
/// A tiny ViT (32 px, patch 8, dim 32, depth 2, 3 classes) trained for a few dozen steps on the tiny-imagenet-mini
/// training images with its own eval preprocessing, saved once to a temp folder for the model verbs' tests.
/// </summary>
public sealed class TinyTrainedWeights : IDisposable
{
    /// <summary>The model options of the verbs.</summary>
    public static readonly string[] Model =
        ["--model", "vit_tiny_patch16_224", "--set", "img_size=32", "--set", "patch_size=8", "--set", "embed_dim=32",
         "--set", "depth=2", "--set", "num_heads=2", "--set", "mlp_ratio=2", "--set", "num_classes=3"];

    private readonly string _dir = Directory.CreateTempSubdirectory("ftv-cli-model-").FullName;

    /// <summary>Trains and saves the weights.</summary>
    public TinyTrainedWeights()
    {
        using var threads = TrainingFixtures.SingleThread();
        using VisionModel model = Create();
        var data = TinyImageNet.Open(DataFixtures.TinyImageNetMini);
        using var loader = new DataLoader(data.Train.With(EvalEncoder(model)), new DataLoaderOptions { BatchSize = 12, Shuffle = true, Workers = 1 });
        using var trainer = new Trainer(model, new TrainerOptions { Epochs = 30, Optimizer = Optimizers.AdamW(3e-3) });
        trainer.Fit(loader);
        WeightsPath = Path.Combine(_dir, "tiny.safetensors");
        trainer.SaveCheckpoint(WeightsPath);
    }

    /// <summary>The trained weights (safetensors, timm names).</summary>
    public string WeightsPath { get; }

    /// <summary>A fresh model with the saved weights.</summary>
    public VisionModel Load()
    {
        VisionModel model = Create();
        model.LoadWeights(WeightsPath);
        return model;
    }

    /// <summary>The preprocessing the verbs use: the pretrained configuration's eval preset.</summary>
    public static SampleEncoder EvalEncoder(VisionModel model) => Presets.Eval(model.PretrainedConfig);

    private static VisionModel Create()
    {
        TorchSharp.torch.manual_seed(5);
        return VisionModels.Create<ModelConfig>("vit_tiny_patch16_224", c => c.WithOverrides(CliApp.Parse(["inspect", "--param-groups", .. Model]).KeyValues()));
    }

    /// <summary>Deletes the folder.</summary>
    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
