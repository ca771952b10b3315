using FineTune.Vision.Data;
using FineTune.Vision.Transforms;

namespace QuickStart;

/// <summary>The Fashion-MNIST subset shipped in <c>samples/data/fashion-mnist</c>, split by classes for pretraining and fine-tuning.</summary>
public static class FashionMnist
{
    /// <summary>Classes the checkpoint is pretrained on: T-shirt/top, Trouser, Pullover, Dress, Coat.</summary>
    public static IReadOnlyList<int> PretrainClasses { get; } = [0, 1, 2, 3, 4];

    /// <summary>Classes QuickStart fine-tunes on (a label set the checkpoint never saw): Sandal, Shirt, Sneaker, Bag, Ankle boot.</summary>
    public static IReadOnlyList<int> FineTuneClasses { get; } = [5, 6, 7, 8, 9];

    /// <summary>Image side in pixels (the model's <c>img_size</c>).</summary>
    public const int Size = 28;

    /// <summary>Inputs are scaled to [-1, 1], the mean/std of the <c>vit_tiny_patch16_224</c> configuration.</summary>
    public static Normalization Normalization => Normalization.Inception;

    /// <summary>The repository's root (the folder with FineTune.Vision.sln above the program), or the current folder.</summary>
    public static string RepositoryRoot()
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "FineTune.Vision.sln"))) return dir.FullName;
        }
        return Directory.GetCurrentDirectory();
    }

    /// <summary>The data folder, <c>samples/data/fashion-mnist</c> under <paramref name="repositoryRoot"/>.</summary>
    public static string DataDirectory(string repositoryRoot) => Path.Combine(repositoryRoot, "samples", "data", "fashion-mnist");

    /// <summary>The items of <paramref name="classes"/> in the train (3000 images) or t10k (600 images) file, relabelled 0..k-1.</summary>
    public static ClassSubset Open(string dataDirectory, bool train, IReadOnlyList<int> classes)
    {
        string prefix = train ? "train" : "t10k";
        var all = IdxDataset.Open(
            Path.Combine(dataDirectory, $"{prefix}-images-idx3-ubyte.gz"),
            Path.Combine(dataDirectory, $"{prefix}-labels-idx1-ubyte.gz"),
            IdxDataset.FashionMnistClasses);
        return new ClassSubset(all, classes);
    }

    /// <summary>Light training augmentation for 28x28 images: pad 2 + random 28x28 crop, horizontal flip, then [-1, 1].</summary>
    public static SampleEncoder TrainEncoder() =>
        new ComposeBuilder().RandomCrop(Size, padding: 2).RandomHorizontalFlip().BuildEncoder(Size, Size, Normalization);

    /// <summary>Evaluation: the images as they are, scaled to [-1, 1].</summary>
    public static SampleEncoder EvalEncoder() => new(new Compose(), Size, Size, Normalization);
}
