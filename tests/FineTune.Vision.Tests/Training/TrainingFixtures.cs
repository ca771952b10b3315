using FineTune.Vision.Data;
using FineTune.Vision.Imaging;
using FineTune.Vision.Models;
using FineTune.Vision.Tests.Data;
using FineTune.Vision.Training;
using FineTune.Vision.Transforms;
using TorchSharp;

namespace FineTune.Vision.Tests.Training;

/// <summary>Tiny models and real data (the Fashion-MNIST subset) for trainer tests.</summary>
internal static class TrainingFixtures
{
    private static readonly Lazy<IdxDataset> FashionTrainSet = new(() =>
        IdxDataset.Open(DataFixtures.FashionTrainImages, DataFixtures.FashionTrainLabels, IdxDataset.FashionMnistClasses));

    private static readonly Lazy<IdxDataset> FashionTestSet = new(() =>
        IdxDataset.Open(DataFixtures.FashionTestImages, DataFixtures.FashionTestLabels, IdxDataset.FashionMnistClasses));

    /// <summary><paramref name="count"/> training images spread evenly over the file (whatever its class order).</summary>
    public static IImageDataset FashionTrain(int count) =>
        FashionTrainSet.Value.Subset(Enumerable.Range(0, count).Select(i => (int)((long)i * FashionTrainSet.Value.Count / count)));

    /// <summary><paramref name="count"/> test images spread evenly over the file.</summary>
    public static IImageDataset FashionTest(int count) =>
        FashionTestSet.Value.Subset(Enumerable.Range(0, count).Select(i => (int)((long)i * FashionTestSet.Value.Count / count)));

    /// <summary>28x28 images as they are, normalised to [-1, 1].</summary>
    public static SampleSource Encode(IImageDataset dataset, int size = 28) =>
        dataset.With(new SampleEncoder(size == 28 ? new Compose() : new Resize(size, size), size, size, Normalization.Inception));

    /// <summary>ViT for 28x28 Fashion-MNIST: patch 7, dim 32, depth 2 (16 patches).</summary>
    public static VitConfig FashionVit(double dropPath = 0) => new()
    {
        ImgSize = 28, PatchSize = 7, EmbedDim = 32, Depth = 2, NumHeads = 2, NumClasses = 10, DropPathRate = dropPath,
    };

    /// <summary>A very small ViT on 8x8 inputs for long runs (memory test).</summary>
    public static VitConfig MicroVit => new() { ImgSize = 8, PatchSize = 4, EmbedDim = 8, Depth = 1, NumHeads = 2, NumClasses = 10 };

    /// <summary>
    /// One intra-op thread until disposed: tiny models are dominated by per-op overhead, and on a busy 2-core machine
    /// thread hand-offs make them many times slower (measured 20x on the memory test's steps).
    /// </summary>
    public static IDisposable SingleThread()
    {
        int before = torch.get_num_threads();
        torch.set_num_threads(1);
        return new Restore(() => torch.set_num_threads(before));
    }

    private sealed class Restore(Action action) : IDisposable
    {
        public void Dispose() => action();
    }

    public static VisionTransformer Model(VitConfig config, int seed = 1)
    {
        torch.manual_seed(seed);
        return new VisionTransformer(config);
    }

    public static DataLoader Loader(SampleSource source, int batchSize, bool shuffle, long seed = 0, bool dropLast = false) =>
        new(source, new DataLoaderOptions { BatchSize = batchSize, Shuffle = shuffle, Seed = seed, Workers = 1, DropLast = dropLast });
}

/// <summary>Records what a test needs to see from inside the loop.</summary>
internal sealed class Recorder : Callback
{
    public List<double> Losses { get; } = [];
    public List<bool> TrainingFlags { get; } = [];
    public List<bool> ValidationFlags { get; } = [];
    public List<string> Events { get; } = [];
    public List<double> Lrs { get; } = [];
    public List<double> RunningLosses { get; } = [];
    public List<double> RunningAccuracies { get; } = [];

    public override void OnFitStart(TrainingContext context) => Events.Add("FitStart");
    public override void OnEpochStart(TrainingContext context) => Events.Add($"EpochStart{context.Epoch}");
    public override void OnBatchStart(TrainingContext context) => TrainingFlags.Add(context.Model.Module.training);
    public override void OnAfterLoss(TrainingContext context) => Losses.Add(context.LossValue);
    public override void OnAfterStep(TrainingContext context) => Lrs.Add(context.LearningRate);
    public override void OnBatchEnd(TrainingContext context)
    {
        RunningLosses.Add(context.RunningLoss);
        RunningAccuracies.Add(context.RunningAccuracy);
    }
    public override void OnValidationBatchEnd(TrainingContext context) => ValidationFlags.Add(context.Model.Module.training);
    public override void OnEpochEnd(TrainingContext context) => Events.Add($"EpochEnd{context.Epoch}");
    public override void OnFitEnd(TrainingContext context) => Events.Add("FitEnd");
}
