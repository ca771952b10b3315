namespace FineTune.Vision.Data;

/// <summary>What one completed epoch of a <see cref="DataLoader"/> delivered, and what it skipped.</summary>
/// <param name="Epoch">The epoch index.</param>
/// <param name="Batches">Batches yielded.</param>
/// <param name="Samples">Samples yielded (over all batches).</param>
/// <param name="Skipped">Unreadable items skipped, in the order the epoch met them (empty unless <see cref="DataLoaderOptions.SkipUnreadable"/>).</param>
public sealed record EpochSummary(int Epoch, int Batches, int Samples, IReadOnlyList<SkippedSample> Skipped);
