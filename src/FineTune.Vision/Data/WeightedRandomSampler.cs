using FineTune.Vision.Core;

namespace FineTune.Vision.Data;

/// <summary>
/// Draws each epoch's indices with probability proportional to a weight per item (PyTorch's
/// <c>WeightedRandomSampler</c>), with replacement by default; <see cref="ClassBalanced"/> weights every item by the
/// inverse of its class's size, so each class is drawn equally often whatever the imbalance.
/// </summary>
public sealed class WeightedRandomSampler : ISampler
{
    private readonly double[] _cumulative;

    /// <summary>Samples <paramref name="numSamples"/> indices per epoch (default: one per item) with probabilities proportional to <paramref name="weights"/>.</summary>
    /// <exception cref="ArgumentException">A weight is negative or not finite, all are zero, or without replacement more samples are asked than items with a positive weight.</exception>
    public WeightedRandomSampler(IReadOnlyList<double> weights, int? numSamples = null, bool replacement = true)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Count == 0) throw new ArgumentException("At least one weight is needed.", nameof(weights));
        int bad = weights.ToList().FindIndex(w => !(w >= 0) || double.IsInfinity(w));
        if (bad >= 0) throw new ArgumentException($"Weight {bad} is {weights[bad]}; weights must be finite and ≥ 0.", nameof(weights));
        int positive = weights.Count(w => w > 0);
        if (positive == 0) throw new ArgumentException("All weights are zero.", nameof(weights));
        NumSamples = numSamples ?? weights.Count;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(NumSamples, nameof(numSamples));
        if (!replacement && NumSamples > positive)
            throw new ArgumentException($"Without replacement at most {positive} samples (the items with a positive weight) can be drawn; {NumSamples} were asked.", nameof(numSamples));
        (Weights, Replacement) = ([.. weights], replacement);
        _cumulative = new double[weights.Count];
        double sum = 0;
        for (int i = 0; i < weights.Count; i++) _cumulative[i] = sum += weights[i];
    }

    /// <summary>The weights by dataset index.</summary>
    public IReadOnlyList<double> Weights { get; }

    /// <summary>Indices drawn per epoch.</summary>
    public int NumSamples { get; }

    /// <summary>Whether an index can be drawn more than once per epoch.</summary>
    public bool Replacement { get; }

    /// <summary>
    /// Weights every item of <paramref name="dataset"/> by 1 / (items of its class), read with
    /// <see cref="IImageDataset.GetLabel"/> (no image decoded): every class is drawn equally often in expectation.
    /// </summary>
    public static WeightedRandomSampler ClassBalanced(IImageDataset dataset, int? numSamples = null, bool replacement = true)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        int[] labels = [.. Enumerable.Range(0, dataset.Count).Select(dataset.GetLabel)];
        var counts = labels.GroupBy(l => l).ToDictionary(g => g.Key, g => g.Count());
        return new WeightedRandomSampler([.. labels.Select(l => 1.0 / counts[l])], numSamples, replacement);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="datasetCount"/> differs from the number of weights.</exception>
    public int EpochLength(int datasetCount)
    {
        if (datasetCount != Weights.Count)
            throw new ArgumentException($"The sampler has {Weights.Count} weights but the dataset has {datasetCount} items.", nameof(datasetCount));
        return NumSamples;
    }

    /// <inheritdoc />
    public int[] EpochIndices(int datasetCount, int epoch, long seed)
    {
        EpochLength(datasetCount);
        Random rng = SeedMixer.Create(seed, epoch, 0x5745_4947); // "WEIG": its own stream, apart from the shuffle's
        var result = new int[NumSamples];
        if (Replacement)
        {
            double total = _cumulative[^1];
            for (int i = 0; i < result.Length; i++)
            {
                double x = rng.NextDouble() * total;
                int lo = 0, hi = _cumulative.Length - 1; // the first cumulative sum strictly above the draw
                while (lo < hi)
                {
                    int mid = (lo + hi) >>> 1;
                    if (_cumulative[mid] > x) hi = mid;
                    else lo = mid + 1;
                }
                result[i] = lo;
            }
            return result;
        }
        // Without replacement: Efraimidis–Spirakis keys u^(1/w), the largest NumSamples win (the same law as drawing one at a time).
        return [.. Enumerable.Range(0, Weights.Count).Where(i => Weights[i] > 0)
            .Select(i => (Index: i, Key: Math.Log(1.0 - rng.NextDouble()) / Weights[i]))
            .OrderByDescending(p => p.Key).Take(NumSamples).Select(p => p.Index)];
    }
}
