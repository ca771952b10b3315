using Microsoft.Extensions.Logging;

namespace FineTune.Vision.Data;

/// <summary>How a <see cref="DataLoader"/> batches, orders and reads samples.</summary>
public sealed class DataLoaderOptions
{
    /// <summary>Samples per batch.</summary>
    /// <value>Default: 32.</value>
    public int BatchSize { get; init; } = 32;

    /// <summary>Whether each epoch visits the items in a new random order drawn from (<see cref="Seed"/>, epoch).</summary>
    /// <value>Default: false (index order, for evaluation).</value>
    public bool Shuffle { get; init; }

    /// <summary>
    /// Chooses each epoch's indices and their order instead of <see cref="Shuffle"/> (which must then be false):
    /// <see cref="RepeatAugSampler"/>, <see cref="WeightedRandomSampler"/> or your own.
    /// </summary>
    /// <value>Default: null (every item once, shuffled or in index order).</value>
    public ISampler? Sampler { get; init; }

    /// <summary>Seeds the shuffle and every sample's random generator (from seed, epoch and dataset index).</summary>
    /// <value>Default: 0.</value>
    public long Seed { get; init; }

    /// <summary>Whether to drop the last batch of an epoch when it has fewer than <see cref="BatchSize"/> items.</summary>
    /// <value>Default: false.</value>
    public bool DropLast { get; init; }

    /// <summary>Worker threads that decode and encode samples in parallel. Results do not depend on this number.</summary>
    /// <value>Default: <see cref="Environment.ProcessorCount"/>.</value>
    public int Workers { get; init; } = Environment.ProcessorCount;

    /// <summary>Batches prepared ahead while the consumer holds one (the bound of the prefetch queue).</summary>
    /// <value>Default: 2.</value>
    public int PrefetchBatches { get; init; } = 2;

    /// <summary>
    /// Whether an unreadable image (missing, corrupt, truncated) is skipped instead of failing the epoch: its batch
    /// shrinks by one (no replacement is drawn), and the epoch's <see cref="EpochSummary.Skipped"/> lists it.
    /// Only failures to load an image are skipped; an exception from the encoder or transform always fails.
    /// </summary>
    /// <value>Default: false.</value>
    public bool SkipUnreadable { get; init; }

    /// <summary>Where each unreadable image skipped (<see cref="SkipUnreadable"/>) is logged, at Warning, as the epoch meets it.</summary>
    /// <value>Default: null (the skips are only listed in <see cref="EpochSummary.Skipped"/>).</value>
    public ILogger? Logger { get; init; }

    /// <summary>The setting that the "unreadable image" failure tells the user to turn on (the trainer names its own option).</summary>
    internal string SkipUnreadableSetting { get; init; } = "DataLoaderOptions.SkipUnreadable";

    /// <summary>Checks every option; throws one exception listing all problems.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public void Validate()
    {
        List<string> errors = [];
        if (BatchSize <= 0) errors.Add($"{nameof(BatchSize)} must be > 0 (was {BatchSize}).");
        if (Workers <= 0) errors.Add($"{nameof(Workers)} must be > 0 (was {Workers}).");
        if (Sampler is not null && Shuffle) errors.Add($"{nameof(Sampler)} and {nameof(Shuffle)} exclude each other: the sampler decides the order (set {nameof(Shuffle)} = false).");
        if (PrefetchBatches <= 0) errors.Add($"{nameof(PrefetchBatches)} must be > 0 (was {PrefetchBatches}).");
        if (errors.Count > 0) throw new ArgumentException($"Invalid {nameof(DataLoaderOptions)}:\n  " + string.Join("\n  ", errors));
    }
}
