namespace FineTune.Vision.Training;

/// <summary>Class probabilities and predicted labels for every sample, in the loader's order.</summary>
public sealed class Predictions
{
    internal Predictions(float[][] probabilities, int[] labels, int[] trueLabels, int[] sampleIndices, IReadOnlyList<string>? classNames) =>
        (Probabilities, Labels, TrueLabels, SampleIndices, ClassNames) = (probabilities, labels, trueLabels, sampleIndices, classNames is { Count: > 0 } ? classNames : null);

    /// <summary>Softmax probabilities per sample ([N][C]).</summary>
    public IReadOnlyList<float[]> Probabilities { get; }

    /// <summary>The predicted class (argmax) per sample.</summary>
    public IReadOnlyList<int> Labels { get; }

    /// <summary>The dataset's labels per sample (for scoring); −1 for unlabelled images (prediction from image paths).</summary>
    public IReadOnlyList<int> TrueLabels { get; }

    /// <summary>The dataset index of each sample.</summary>
    public IReadOnlyList<int> SampleIndices { get; }

    /// <summary>The class names by index that <see cref="Top"/> uses (null: none known; labels are the indices as text).</summary>
    public IReadOnlyList<string>? ClassNames { get; }

    /// <summary>Number of samples.</summary>
    public int Count => Labels.Count;

    /// <summary>The <paramref name="k"/> most probable classes of sample <paramref name="sample"/>, most probable first (ties: lower index first).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sample"/> is outside 0..Count-1, or <paramref name="k"/> is not positive.</exception>
    public IReadOnlyList<ClassScore> Top(int sample, int k = 5)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sample);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(sample, Count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        return ClassProbabilities.Top(Probabilities[sample], k, ClassNames);
    }
}
