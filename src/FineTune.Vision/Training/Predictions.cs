namespace FineTune.Vision.Training;

/// <summary>Class probabilities and predicted labels for every sample, in the loader's order.</summary>
public sealed class Predictions
{
    internal Predictions(float[][] probabilities, int[] labels, int[] trueLabels, int[] sampleIndices) =>
        (Probabilities, Labels, TrueLabels, SampleIndices) = (probabilities, labels, trueLabels, sampleIndices);

    /// <summary>Softmax probabilities per sample ([N][C]).</summary>
    public IReadOnlyList<float[]> Probabilities { get; }

    /// <summary>The predicted class (argmax) per sample.</summary>
    public IReadOnlyList<int> Labels { get; }

    /// <summary>The dataset's labels per sample (for scoring).</summary>
    public IReadOnlyList<int> TrueLabels { get; }

    /// <summary>The dataset index of each sample.</summary>
    public IReadOnlyList<int> SampleIndices { get; }

    /// <summary>Number of samples.</summary>
    public int Count => Labels.Count;
}
