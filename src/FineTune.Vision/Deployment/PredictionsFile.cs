using System.Globalization;
using System.Text;
using FineTune.Vision.Core;
using FineTune.Vision.Data;
using FineTune.Vision.Training;

namespace FineTune.Vision.Deployment;

/// <summary>
/// Writes the predictions of any <see cref="IImageClassifier"/> over a folder of unlabelled images (recursively) or a list of
/// image files as a CSV file: <c>path,label,probability[,label2,probability2,…]</c> (top-k), or Kaggle's <c>id,label</c>
/// (the id is the file name without its extension). The file is written atomically: a crash leaves the old file or the
/// complete new one.
/// </summary>
/// <remarks>
/// CSV as RFC 4180: comma-separated, a field holding a comma, a double quote or a line break is quoted (quotes doubled),
/// lines end with <c>\n</c>, UTF-8 without a byte-order mark; numbers in the invariant culture, probabilities in the
/// shortest form that round-trips a float (e.g. <c>0.8312</c>, <c>1E-05</c>).
/// </remarks>
public static class PredictionsFile
{
    /// <summary>Files per <see cref="IImageClassifier.PredictMany"/> call when unreadable files are skipped (a failing call is redone file by file).</summary>
    private const int SkipChunk = 256;

    /// <summary>
    /// The image files under <paramref name="folder"/> and its subfolders (by extension: <see cref="ImageFolder.DefaultExtensions"/>),
    /// as paths relative to <paramref name="folder"/> with <c>/</c> separators, sorted ordinally.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public static IReadOnlyList<string> ImageFiles(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"Image folder '{folder}' does not exist.");
        return [.. Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => ImageFolder.DefaultExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Select(f => Path.GetRelativePath(folder, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// Predicts every image under <paramref name="folder"/> (recursively, <see cref="ImageFiles"/>) and writes
    /// <paramref name="csvPath"/>; the <c>path</c> column holds the paths relative to the folder.
    /// </summary>
    /// <param name="classifier">Any classifier (libtorch or ONNX Runtime).</param>
    /// <param name="folder">The folder of unlabelled images.</param>
    /// <param name="csvPath">The CSV file to write (replaced atomically).</param>
    /// <param name="options">Format, top-k, skipping unreadable files; null: top-1 with probabilities, unreadable files fail.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="ArgumentException">The folder holds no image, or (Kaggle form) two images share a file stem.</exception>
    /// <exception cref="InvalidDataException">An image cannot be decoded and unreadable files are not skipped (the message names it).</exception>
    public static PredictionsFileResult Write(IImageClassifier classifier, string folder, string csvPath, PredictionsFileOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        IReadOnlyList<string> relative = ImageFiles(folder);
        if (relative.Count == 0)
            throw new ArgumentException($"The folder '{folder}' holds no image ({string.Join(", ", ImageFolder.DefaultExtensions)}), in it or its subfolders.", nameof(folder));
        string[] files = [.. relative.Select(r => Path.Combine(folder, r))];
        return Write(classifier, files, relative, csvPath, options);
    }

    /// <summary>Predicts the image files <paramref name="imagePaths"/> and writes <paramref name="csvPath"/>, one row per file in the order given (the <c>path</c> column as given).</summary>
    /// <param name="classifier">Any classifier (libtorch or ONNX Runtime).</param>
    /// <param name="imagePaths">The image files.</param>
    /// <param name="csvPath">The CSV file to write (replaced atomically).</param>
    /// <param name="options">Format, top-k, skipping unreadable files; null: top-1 with probabilities, unreadable files fail.</param>
    /// <exception cref="ArgumentException">No path is given, or (Kaggle form) two images share a file stem.</exception>
    /// <exception cref="InvalidDataException">An image cannot be decoded and unreadable files are not skipped (the message names it).</exception>
    public static PredictionsFileResult Write(IImageClassifier classifier, IReadOnlyList<string> imagePaths, string csvPath, PredictionsFileOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(imagePaths);
        if (imagePaths.Count == 0) throw new ArgumentException("No image paths were given.", nameof(imagePaths));
        return Write(classifier, imagePaths, imagePaths, csvPath, options);
    }

    private static PredictionsFileResult Write(IImageClassifier classifier, IReadOnlyList<string> files, IReadOnlyList<string> names, string csvPath, PredictionsFileOptions? options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(csvPath);
        options ??= new PredictionsFileOptions();
        options.Validate();
        bool kaggle = options.Format == PredictionsFormat.Kaggle;
        if (kaggle) CheckUniqueIds(names);
        int k = kaggle ? 1 : Math.Min(options.TopK, classifier.ClassNames.Count);
        var (predictions, skipped) = Predict(classifier, files, k, options.SkipUnreadable);

        var text = new StringBuilder();
        text.Append(kaggle ? "id,label" : Header(k)).Append('\n');
        int rows = 0;
        for (int i = 0; i < files.Count; i++)
        {
            if (predictions[i] is not { } top) continue;
            rows++;
            if (kaggle)
            {
                text.Append(Field(Path.GetFileNameWithoutExtension(names[i]))).Append(',').Append(Field(top[0].Label)).Append('\n');
                continue;
            }
            text.Append(Field(names[i]));
            foreach (ClassScore score in top) text.Append(',').Append(Field(score.Label)).Append(',').Append(Probability(score.Probability));
            text.Append('\n');
        }
        byte[] bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text.ToString());
        AtomicFile.Write(csvPath, stream => stream.Write(bytes));
        return new PredictionsFileResult(csvPath, rows, skipped);
    }

    /// <summary>The predictions of every file (null where skipped) and the files skipped.</summary>
    private static (IReadOnlyList<ClassScore>?[] Predictions, IReadOnlyList<SkippedSample> Skipped) Predict(IImageClassifier classifier, IReadOnlyList<string> files, int k, bool skip)
    {
        var results = new IReadOnlyList<ClassScore>?[files.Count];
        if (!skip)
        {
            IReadOnlyList<IReadOnlyList<ClassScore>> all = classifier.PredictMany(files, k);
            for (int i = 0; i < all.Count; i++) results[i] = all[i];
            return (results, []);
        }
        List<SkippedSample> skipped = [];
        for (int start = 0; start < files.Count; start += SkipChunk)
        {
            string[] chunk = [.. files.Skip(start).Take(SkipChunk)];
            try
            {
                IReadOnlyList<IReadOnlyList<ClassScore>> part = classifier.PredictMany(chunk, k);
                for (int i = 0; i < part.Count; i++) results[start + i] = part[i];
            }
            catch (Exception e) when (IsUnreadable(e))
            {
                // Some file of the chunk cannot be read: redo the chunk one file at a time to find which.
                for (int i = 0; i < chunk.Length; i++)
                {
                    try
                    {
                        results[start + i] = classifier.Predict(chunk[i], k);
                    }
                    catch (Exception fileError) when (IsUnreadable(fileError))
                    {
                        skipped.Add(new SkippedSample(start + i, chunk[i], (fileError is SampleLoadException { InnerException: { } inner } ? inner : fileError).Message));
                    }
                }
            }
        }
        return (results, skipped);
    }

    private static bool IsUnreadable(Exception e) =>
        e is IOException or InvalidDataException or UnauthorizedAccessException || e is SampleLoadException { InnerException: { } inner } && IsUnreadable(inner);

    private static void CheckUniqueIds(IReadOnlyList<string> names)
    {
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string name in names)
        {
            string id = Path.GetFileNameWithoutExtension(name);
            if (!seen.TryAdd(id, name))
                throw new ArgumentException(
                    $"The Kaggle form names each row by its file stem, and '{seen[id]}' and '{name}' both have the id '{id}'; rename one, or write the top-k form (paths).",
                    "imagePaths");
        }
    }

    private static string Header(int k)
    {
        var header = new StringBuilder("path,label,probability");
        for (int j = 2; j <= k; j++) header.Append(CultureInfo.InvariantCulture, $",label{j},probability{j}");
        return header.ToString();
    }

    private static string Probability(double p) => ((float)p).ToString(CultureInfo.InvariantCulture);

    /// <summary>A CSV field: quoted (quotes doubled) when it holds a comma, a quote or a line break, or starts or ends with a space.</summary>
    internal static string Field(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 || (value.Length > 0 && (value[0] == ' ' || value[^1] == ' '))
            ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : value;
}
