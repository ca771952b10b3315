using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Training;

/// <summary>
/// The eval forward that turns a batch of images into class probabilities, and their top-k ranking: what
/// <see cref="Trainer.Predict(Data.DataLoader, bool, CancellationToken)"/> and the Deployment layer's classifier share.
/// </summary>
internal static class ClassProbabilities
{
    /// <summary>
    /// Float32 softmax probabilities [B, C] of <paramref name="images"/> (NCHW, on the model's device); with
    /// <paramref name="flipTta"/> the mean of the softmax of the images and of their horizontal mirror images.
    /// The caller sets eval mode, no_grad and the dispose scope.
    /// </summary>
    public static Tensor Compute(nn.Module<Tensor, Tensor> model, Tensor images, bool flipTta)
    {
        Tensor p = softmax(model.call(images).to(ScalarType.Float32), 1);
        if (flipTta) p = (p + softmax(model.call(images.flip(3)).to(ScalarType.Float32), 1)) / 2;
        return p;
    }

    /// <summary>The rows of a [B, C] probability tensor as arrays (copied to the CPU; the caller's dispose scope takes the copy).</summary>
    public static float[][] Rows(Tensor probabilities)
    {
        Tensor cpu = probabilities.cpu();
        int rows = (int)cpu.shape[0], classes = (int)cpu.shape[1];
        float[] flat = cpu.data<float>().ToArray();
        return [.. Enumerable.Range(0, rows).Select(i => flat.AsSpan(i * classes, classes).ToArray())];
    }

    /// <summary>The <paramref name="k"/> most probable classes of <paramref name="row"/>, most probable first (ties: lower index first).</summary>
    public static IReadOnlyList<ClassScore> Top(float[] row, int k, IReadOnlyList<string>? classNames) =>
        [.. Enumerable.Range(0, row.Length).OrderByDescending(i => row[i]).ThenBy(i => i).Take(k).Select(i => new ClassScore(i, LabelOf(i, classNames), row[i]))];

    /// <summary>The name of class <paramref name="index"/>, or the index as text when no name is known.</summary>
    public static string LabelOf(int index, IReadOnlyList<string>? classNames) =>
        classNames is { } names && index < names.Count ? names[index] : index.ToString(CultureInfo.InvariantCulture);
}
