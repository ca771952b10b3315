using FineTune.Vision.Data;
using FineTune.Vision.Models;
using FineTune.Vision.Tests.Data;
using FineTune.Vision.Tests.Training;
using FineTune.Vision.Training;
using FineTune.Vision.Transforms;
using FineTune.Vision.Weights;

namespace FineTune.Vision.Tests.Adaptation;

/// <summary>
/// The checkpoint pretrained by the project on Fashion-MNIST classes 0-4 (samples/data/pretrained/vit_fmnist5_tiny.safetensors,
/// made by samples/Pretrain; a model file) and the fine-tuning task on classes
/// 5-9 of the shipped subset (real data, never seen in pretraining).
/// </summary>
internal static class FineTuneFixtures
{
    public static readonly int[] TargetClasses = [5, 6, 7, 8, 9];

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
        var model = VisionModels.Load(ShippedPath);     // a model file: architecture, configuration and weights (strictly)
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
}
