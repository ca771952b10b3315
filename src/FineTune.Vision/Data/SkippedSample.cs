namespace FineTune.Vision.Data;

/// <summary>An item that an epoch skipped because its image could not be read (see <see cref="DataLoaderOptions.SkipUnreadable"/>).</summary>
/// <param name="Index">The item's index in the dataset.</param>
/// <param name="Source">Where it comes from (<see cref="IImageDataset.DescribeSource"/>), e.g. its file path.</param>
/// <param name="Reason">The error message of the failed read.</param>
public readonly record struct SkippedSample(int Index, string Source, string Reason);
