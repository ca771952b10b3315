namespace FineTune.Vision.Weights;

/// <summary>
/// A weights file is malformed, truncated, of an unsupported kind, or holds something the reader refuses.
/// The message names the file and, where one is at fault, the tensor key. Derives from <see cref="IOException"/>
/// (the BCL's <see cref="InvalidDataException"/> is sealed), so that callers catch every bad-file error by one BCL type.
/// </summary>
public class WeightsFormatException : IOException
{
    /// <summary>Creates the exception for <paramref name="filePath"/> (and <paramref name="key"/> when one is at fault).</summary>
    /// <param name="filePath">The file being read or written.</param>
    /// <param name="key">The tensor key at fault, or <see langword="null"/>.</param>
    /// <param name="problem">What is wrong, with actual and expected values and the fix.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public WeightsFormatException(string filePath, string? key, string problem, Exception? inner = null)
        : base(Compose(filePath, key, problem), inner)
    {
        FilePath = filePath;
        Key = key;
    }

    /// <summary>The file being read or written.</summary>
    public string FilePath { get; }

    /// <summary>The tensor key at fault, or <see langword="null"/> when the problem is not about one tensor.</summary>
    public string? Key { get; }

    private static string Compose(string filePath, string? key, string problem) =>
        key is null ? $"'{filePath}': {problem}" : $"'{filePath}', tensor '{key}': {problem}";
}
