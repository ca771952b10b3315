namespace FineTune.Vision.Data;

/// <summary>
/// Reads the "one folder per class" layout (torchvision's <c>ImageFolder</c>): <c>root/&lt;class&gt;/**/&lt;image&gt;</c>.
/// Class names are the folder names sorted ordinally (as Python sorts them), so labels match torchvision's;
/// files are found recursively and sorted ordinally by path.
/// </summary>
public static class ImageFolder
{
    /// <summary>File extensions the library can decode, matched case-insensitively: .jpg .jpeg .png .bmp .gif .webp.</summary>
    public static IReadOnlyList<string> DefaultExtensions { get; } = [".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp"];

    /// <summary>Lists the images under <paramref name="root"/>; no image is decoded until it is loaded.</summary>
    /// <param name="root">Folder holding one sub-folder per class.</param>
    /// <param name="extensions">Extensions to include (with the dot); default <see cref="DefaultExtensions"/>.</param>
    /// <exception cref="DirectoryNotFoundException"><paramref name="root"/> does not exist.</exception>
    /// <exception cref="InvalidDataException"><paramref name="root"/> has no class folders, or a class folder has no images.</exception>
    public static FileImageDataset Open(string root, IEnumerable<string>? extensions = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (!Directory.Exists(root))
            throw new DirectoryNotFoundException($"Image folder '{root}' does not exist.");
        string[] exts = [.. extensions ?? DefaultExtensions];
        string[] classes = [.. Directory.GetDirectories(root).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];
        if (classes.Length == 0)
            throw new InvalidDataException($"Image folder '{root}' has no class sub-folders; expected root/<class>/<image> (one folder per class).");
        var paths = new List<string>();
        var labels = new List<int>();
        for (int label = 0; label < classes.Length; label++)
        {
            string classDir = Path.Combine(root, classes[label]);
            string[] files = ListImages(classDir, exts);
            if (files.Length == 0)
                throw new InvalidDataException(
                    $"Class folder '{classDir}' has no image files (looked for {string.Join(' ', exts)}, recursively). Add images or remove the folder.");
            paths.AddRange(files);
            labels.AddRange(Enumerable.Repeat(label, files.Length));
        }
        return new FileImageDataset(paths, labels, classes);
    }

    /// <summary>Image files under <paramref name="folder"/> (recursively) with one of <paramref name="extensions"/>, sorted ordinally.</summary>
    internal static string[] ListImages(string folder, IReadOnlyList<string> extensions) =>
    [
        .. Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => extensions.Any(e => f.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
            .Order(StringComparer.Ordinal),
    ];
}
