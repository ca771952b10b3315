using FineTune.Vision.Core;
using FineTune.Vision.Transforms;

namespace FineTune.Vision.Data;

/// <summary>Attaching a per-sample stage to a dataset, and splitting, selecting and joining datasets.</summary>
public static class DatasetExtensions
{
    /// <summary>Attaches <paramref name="encoder"/>: the loader will give float batches [B, C, H, W] of its output.</summary>
    public static SampleSource With(this IImageDataset dataset, ISampleEncoder encoder)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(encoder);
        return new SampleSource(dataset, encoder);
    }

    /// <summary>
    /// Attaches an optional image <paramref name="transform"/> whose output must be <paramref name="width"/>x<paramref name="height"/>:
    /// the loader will give uint8 batches [B, 3, H, W] of raw pixels (4x less memory and transfer than floats), to be
    /// normalised on the device (the <c>Trainer</c> does it, with <c>TrainerOptions.UInt8Normalization</c> or the model's mean and std).
    /// </summary>
    public static SampleSource WithUInt8(this IImageDataset dataset, int height, int width, ITransform? transform = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        return new SampleSource(dataset, transform, height, width);
    }

    /// <summary>
    /// Splits the items at random into two disjoint subsets that together hold every item once: the first gets
    /// round(<paramref name="trainFraction"/>·Count) items (e.g. 0.95 for a 95/5 split). The same seed gives the same
    /// split in every process; each subset keeps the shuffled order.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="trainFraction"/> is not inside (0, 1), or a part would be empty.</exception>
    public static (DatasetSubset Train, DatasetSubset Validation) RandomSplit(this IImageDataset dataset, double trainFraction, long seed)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (!(trainFraction > 0 && trainFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(trainFraction), trainFraction, "The train fraction must be strictly between 0 and 1, e.g. 0.95.");
        int first = (int)Math.Round(dataset.Count * trainFraction, MidpointRounding.AwayFromZero);
        if (first == 0 || first == dataset.Count)
            throw new ArgumentOutOfRangeException(nameof(trainFraction), trainFraction,
                $"Splitting {dataset.Count} items at {trainFraction} leaves one part empty ({first} / {dataset.Count - first}).");
        int[] order = Permutation(dataset.Count, SeedMixer.Create(seed, dataset.Count));
        return (new DatasetSubset(dataset, order[..first]), new DatasetSubset(dataset, order[first..]));
    }

    /// <summary>
    /// Splits the items into two disjoint subsets class by class (scikit-learn's stratified <c>train_test_split</c>):
    /// each class's items are shuffled and round(<paramref name="trainFraction"/>·n) of them go to the first subset,
    /// clamped so that a class with at least two items has at least one on each side (a class with one item goes to
    /// training). Labels are read with <see cref="IImageDataset.GetLabel"/> (no image is decoded). The same seed gives
    /// the same split in every process; each subset is shuffled across classes.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="trainFraction"/> is not inside (0, 1), or the validation part would be empty.</exception>
    public static (DatasetSubset Train, DatasetSubset Validation) StratifiedSplit(this IImageDataset dataset, double trainFraction, long seed)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (!(trainFraction > 0 && trainFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(trainFraction), trainFraction, "The train fraction must be strictly between 0 and 1, e.g. 0.8.");
        var byClass = new SortedDictionary<int, List<int>>();
        for (int i = 0; i < dataset.Count; i++)
        {
            int label = dataset.GetLabel(i);
            if (!byClass.TryGetValue(label, out var items)) byClass[label] = items = [];
            items.Add(i);
        }
        List<int> train = [], validation = [];
        foreach (var (label, items) in byClass)
        {
            int[] order = Permutation(items.Count, SeedMixer.Create(seed, label, items.Count));
            int first = (int)Math.Round(items.Count * trainFraction, MidpointRounding.AwayFromZero);
            first = items.Count < 2 ? items.Count : Math.Clamp(first, 1, items.Count - 1);
            train.AddRange(order[..first].Select(k => items[k]));
            validation.AddRange(order[first..].Select(k => items[k]));
        }
        if (validation.Count == 0)
            throw new ArgumentOutOfRangeException(nameof(trainFraction), trainFraction,
                $"Splitting {dataset.Count} items at {trainFraction} leaves the validation part empty (every class has fewer than 2 items).");
        return (new DatasetSubset(dataset, Shuffle(train, seed, 1)), new DatasetSubset(dataset, Shuffle(validation, seed, 2)));
    }

    private static int[] Shuffle(List<int> items, long seed, long stream) =>
        [.. Permutation(items.Count, SeedMixer.Create(seed, -stream, items.Count)).Select(k => items[k])];

    /// <summary>The items <paramref name="indices"/> of <paramref name="dataset"/>, in that order.</summary>
    public static DatasetSubset Subset(this IImageDataset dataset, IEnumerable<int> indices) => new(dataset, indices);

    /// <summary><paramref name="dataset"/> followed by <paramref name="others"/> (all must share their class names).</summary>
    public static ConcatDataset Concat(this IImageDataset dataset, params IReadOnlyList<IImageDataset> others) =>
        new([dataset, .. others]);

    /// <summary>A Fisher-Yates permutation of 0..n-1 drawn from <paramref name="rng"/>.</summary>
    internal static int[] Permutation(int n, Random rng)
    {
        int[] order = [.. Enumerable.Range(0, n)];
        for (int i = n - 1; i > 0; i--)
        {
            int j = rng.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }
}
