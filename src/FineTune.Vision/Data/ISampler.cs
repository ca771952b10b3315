namespace FineTune.Vision.Data;

/// <summary>
/// Decides which dataset indices an epoch of a <see cref="DataLoader"/> visits and in what order (PyTorch's
/// <c>Sampler</c>): an index may come several times (repeated augmentation, sampling with replacement) or not at all.
/// </summary>
/// <remarks>
/// The loader draws each sample's augmentation from (seed, epoch, index) and, for the second and later visits of an
/// index in one epoch, from the visit number too, so repeats are augmented differently and every run is repeatable.
/// Implementations must be deterministic in (<c>datasetCount</c>, <c>epoch</c>, <c>seed</c>) and thread-safe.
/// </remarks>
public interface ISampler
{
    /// <summary>How many samples an epoch visits for a dataset of <paramref name="datasetCount"/> items.</summary>
    int EpochLength(int datasetCount);

    /// <summary>The dataset indices of epoch <paramref name="epoch"/>, in visiting order (<see cref="EpochLength"/> of them).</summary>
    int[] EpochIndices(int datasetCount, int epoch, long seed);
}
