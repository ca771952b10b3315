namespace FineTune.Vision.Data;

/// <summary>Line-numbered reading of small text files (class lists, annotations, image lists) with file:line errors.</summary>
internal static class TextLines
{
    /// <summary>The non-blank lines of <paramref name="path"/> with their 1-based line numbers (a trailing '\r' is removed).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static IEnumerable<(int Number, string Line)> Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"File '{path}' does not exist.", path);
        return ReadExisting(path);
    }

    private static IEnumerable<(int Number, string Line)> ReadExisting(string path)
    {
        int number = 0;
        foreach (string raw in File.ReadLines(path))
        {
            number++;
            string line = raw.TrimEnd('\r');
            if (number == 1) line = line.TrimStart('\uFEFF');
            if (line.Trim().Length > 0) yield return (number, line);
        }
    }

    /// <summary>An <see cref="InvalidDataException"/> naming the file and line, what was expected, and the line itself.</summary>
    public static InvalidDataException Error(string path, int number, string problem, string line)
    {
        string shown = line.Length > 120 ? line[..120] + "..." : line;
        return new InvalidDataException($"{path}:{number}: {problem}; the line reads \"{shown}\".");
    }
}
