namespace FineTune.Vision.Data;

/// <summary>A sample could not be loaded or encoded; the message names the dataset index and the file (or record).</summary>
public sealed class SampleLoadException : Exception
{
    /// <summary>Creates the exception for item <paramref name="index"/>, coming from <paramref name="source"/>.</summary>
    public SampleLoadException(int index, string source, string message, Exception inner) : base(message, inner)
    {
        Index = index;
        SourceDescription = source;
    }

    /// <summary>The item's index in the dataset.</summary>
    public int Index { get; }

    /// <summary>Where the item comes from, e.g. its file path (<see cref="IImageDataset.DescribeSource"/>).</summary>
    public string SourceDescription { get; }
}
