using FineTune.Vision.Tests.Adaptation;
using FineTune.Vision.Tests.Data;

namespace FineTune.Vision.Tests.Deployment;

/// <summary>The shipped one-file model (vit_fmnist5_tiny: 28x28 input, five Fashion-MNIST classes) and real photographs to classify.</summary>
internal static class DeploymentFixtures
{
    /// <summary>samples/data/pretrained/vit_fmnist5_tiny.safetensors: a model file with class names and preprocessing.</summary>
    public static string ShippedModel => FineTuneFixtures.ShippedPath;

    /// <summary>Twelve JPEG photographs of tiny-imagenet-mini (six validation images, two of each training class).</summary>
    public static string[] Images =>
    [
        .. Enumerable.Range(0, 6).Select(i => Path.Combine(DataFixtures.TinyImageNetMini, "val", "images", $"val_{i}.JPEG")),
        .. new[] { "n02123045", "n04266014", "n07920052" }.SelectMany(wnid =>
            Enumerable.Range(0, 2).Select(i => Path.Combine(DataFixtures.TinyImageNetMini, "train", wnid, "images", $"{wnid}_{i}.JPEG"))),
    ];

    /// <summary>Writes bytes that no decoder reads as an image to <paramref name="path"/>.</summary>
    public static string Undecodable(string path)
    {
        File.WriteAllBytes(path, [0x4E, 0x6F, 0x74, 0x20, 0x61, 0x6E, 0x20, 0x69, 0x6D, 0x61, 0x67, 0x65, 0x0A]);
        return path;
    }

    /// <summary>The probability of each class index (a top-k list covering every class, in any order).</summary>
    public static double[] ByIndex(IReadOnlyList<FineTune.Vision.Training.ClassScore> scores, int classes)
    {
        var p = new double[classes];
        foreach (var s in scores) p[s.Index] = s.Probability;
        return p;
    }
}
