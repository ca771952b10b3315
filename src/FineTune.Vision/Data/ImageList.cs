using System.Globalization;

namespace FineTune.Vision.Data;

/// <summary>
/// Reads a list (CSV) file of <c>path,label</c> lines into a <see cref="FileImageDataset"/>. Relative paths are resolved
/// against the list file's folder; blank lines are skipped; a header line is optional (see <see cref="ImageListOptions"/>).
/// Files are not checked for existence here: a missing file is reported, with its index, when it is loaded.
/// </summary>
public static class ImageList
{
    private static readonly string[] HeaderWords = ["label", "class", "target", "category", "class_name"];

    /// <summary>Reads the list file at <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">The list file does not exist.</exception>
    /// <exception cref="InvalidDataException">A malformed line (the message gives file:line), or an unknown class name or out-of-range label.</exception>
    public static FileImageDataset Open(string path, ImageListOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= new ImageListOptions();
        string folder = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        var rows = new List<(int Number, string Line, string Path, string Label)>();
        bool first = true;
        foreach (var (number, line) in TextLines.Read(path))
        {
            int cut = line.LastIndexOf(options.Delimiter);
            string file = cut < 0 ? "" : line[..cut].Trim();
            string label = cut < 0 ? "" : line[(cut + 1)..].Trim();
            if (first && (options.HasHeader ?? HeaderWords.Contains(label.ToLowerInvariant())))
            {
                first = false;
                continue;
            }
            first = false;
            if (file.Length == 0 || label.Length == 0)
                throw TextLines.Error(path, number, $"expected 'path{options.Delimiter}label' with both fields non-empty", line);
            rows.Add((number, line, Path.IsPathRooted(file) ? file : Path.GetFullPath(Path.Combine(folder, file)), label));
        }
        if (rows.Count == 0) throw new InvalidDataException($"List file '{path}' has no 'path{options.Delimiter}label' lines.");
        string[] classes = ClassesOf(rows.Select(r => r.Label), options.ClassNames);
        var labelOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < classes.Length; i++) labelOf.TryAdd(classes[i], i);
        bool allIntegers = options.ClassNames is null && rows.All(r => IsIndex(r.Label, out _));
        var labels = new List<int>(rows.Count);
        foreach (var row in rows)
        {
            if (!allIntegers && labelOf.TryGetValue(row.Label, out int byName)) labels.Add(byName);
            else if (IsIndex(row.Label, out int index) && index < classes.Length) labels.Add(index);
            else throw TextLines.Error(path, row.Number, $"label '{row.Label}' is neither a class name nor an index 0..{classes.Length - 1}", row.Line);
        }
        return new FileImageDataset([.. rows.Select(r => r.Path)], labels, classes);
    }

    private static string[] ClassesOf(IEnumerable<string> labels, IReadOnlyList<string>? given)
    {
        if (given is not null) return [.. given];
        string[] distinct = [.. labels.Distinct(StringComparer.Ordinal)];
        if (distinct.All(l => IsIndex(l, out _)))
        {
            int max = distinct.Max(l => int.Parse(l, CultureInfo.InvariantCulture));
            return [.. Enumerable.Range(0, max + 1).Select(i => i.ToString(CultureInfo.InvariantCulture))];
        }
        return [.. distinct.Order(StringComparer.Ordinal)];
    }

    private static bool IsIndex(string text, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
