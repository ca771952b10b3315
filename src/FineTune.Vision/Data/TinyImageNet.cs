namespace FineTune.Vision.Data;

/// <summary>
/// Tiny ImageNet 200 read in place, as distributed (<c>tiny-imagenet-200.zip</c>): <c>wnids.txt</c> lists the classes,
/// <c>words.txt</c> gives their names, <c>train/&lt;wnid&gt;/images/*.JPEG</c> hold the training images, and
/// <c>val/images/*.JPEG</c> are labelled by <c>val/val_annotations.txt</c>. No file is moved or copied.
/// </summary>
/// <remarks>
/// Labels follow the wnids sorted ordinally, which is the order torchvision's <c>ImageFolder</c> gives the
/// <c>train</c> folder (so label k means the same here as in a model trained that way). The unlabelled
/// <c>test</c> folder is not read.
/// </remarks>
public sealed class TinyImageNet
{
    private TinyImageNet(string root, IReadOnlyList<string> wnids, IReadOnlyList<string> classNames, FileImageDataset train, FileImageDataset validation)
    {
        Root = root;
        Wnids = wnids;
        ClassNames = classNames;
        Train = train;
        Validation = validation;
    }

    /// <summary>The dataset's root folder (the one holding <c>wnids.txt</c>).</summary>
    public string Root { get; }

    /// <summary>WordNet ids, indexed by label (sorted ordinally).</summary>
    public IReadOnlyList<string> Wnids { get; }

    /// <summary>Class names from <c>words.txt</c>, indexed by label (the wnid itself where words.txt lacks it).</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>The training images, <c>train/&lt;wnid&gt;/images/*</c>, in wnid order then file-name order.</summary>
    public FileImageDataset Train { get; }

    /// <summary>The validation images, in the order of <c>val/val_annotations.txt</c>.</summary>
    public FileImageDataset Validation { get; }

    /// <summary>Reads the class lists and annotation file under <paramref name="root"/>; no image is decoded.</summary>
    /// <exception cref="DirectoryNotFoundException"><paramref name="root"/> or a class's <c>train/&lt;wnid&gt;/images</c> folder is missing.</exception>
    /// <exception cref="FileNotFoundException"><c>wnids.txt</c>, <c>val/val_annotations.txt</c> or an annotated image is missing.</exception>
    /// <exception cref="InvalidDataException">A malformed line (the message gives file and line number), or a class with no training image.</exception>
    public static TinyImageNet Open(string root)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (!Directory.Exists(root))
            throw new DirectoryNotFoundException($"Tiny ImageNet folder '{root}' does not exist; expected the folder holding wnids.txt, train/ and val/.");
        string[] wnids = [.. ReadWnids(Path.Combine(root, "wnids.txt")).Order(StringComparer.Ordinal)];
        Dictionary<string, string> words = ReadWords(Path.Combine(root, "words.txt"));
        string[] names = [.. wnids.Select(w => words.TryGetValue(w, out string? n) ? n : w)];
        var labelOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < wnids.Length; i++) labelOf[wnids[i]] = i;
        var train = ReadTrain(root, wnids, names);
        var validation = ReadValidation(root, labelOf, names);
        return new TinyImageNet(root, wnids, names, train, validation);
    }

    private static List<string> ReadWnids(string path)
    {
        var wnids = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (number, line) in TextLines.Read(path))
        {
            string wnid = line.Trim();
            if (wnid.Contains('\t') || wnid.Contains(' '))
                throw TextLines.Error(path, number, "expected one wnid per line", line);
            if (!seen.Add(wnid))
                throw TextLines.Error(path, number, $"wnid '{wnid}' is listed twice", line);
            wnids.Add(wnid);
        }
        if (wnids.Count == 0) throw new InvalidDataException($"'{path}' lists no wnids.");
        return wnids;
    }

    private static Dictionary<string, string> ReadWords(string path)
    {
        var words = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path)) return words; // optional: class names fall back to the wnids
        foreach (var (number, line) in TextLines.Read(path))
        {
            int tab = line.IndexOf('\t');
            if (tab <= 0) throw TextLines.Error(path, number, "expected 'wnid<TAB>words'", line);
            words[line[..tab].Trim()] = line[(tab + 1)..].Trim();
        }
        return words;
    }

    private static FileImageDataset ReadTrain(string root, string[] wnids, string[] names)
    {
        var paths = new List<string>();
        var labels = new List<int>();
        for (int label = 0; label < wnids.Length; label++)
        {
            string folder = Path.Combine(root, "train", wnids[label], "images");
            if (!Directory.Exists(folder))
                throw new DirectoryNotFoundException($"Training folder '{folder}' for wnid {wnids[label]} (listed in wnids.txt) does not exist.");
            string[] files = ImageFolder.ListImages(folder, ImageFolder.DefaultExtensions);
            if (files.Length == 0)
                throw new InvalidDataException($"Training folder '{folder}' for wnid {wnids[label]} has no image files.");
            paths.AddRange(files);
            labels.AddRange(Enumerable.Repeat(label, files.Length));
        }
        return new FileImageDataset(paths, labels, names);
    }

    private static FileImageDataset ReadValidation(string root, Dictionary<string, int> labelOf, string[] names)
    {
        string annotations = Path.Combine(root, "val", "val_annotations.txt");
        string images = Path.Combine(root, "val", "images");
        var paths = new List<string>();
        var labels = new List<int>();
        foreach (var (number, line) in TextLines.Read(annotations))
        {
            string[] fields = line.Split('\t');
            if ((fields.Length != 2 && fields.Length != 6) || fields[0].Trim().Length == 0
                || fields.Skip(2).Any(f => !int.TryParse(f, out _)))
                throw TextLines.Error(annotations, number, "expected 'file<TAB>wnid<TAB>x0<TAB>y0<TAB>x1<TAB>y1' (6 tab-separated fields, integer box)", line);
            string wnid = fields[1].Trim();
            if (!labelOf.TryGetValue(wnid, out int label))
                throw TextLines.Error(annotations, number, $"wnid '{wnid}' is not listed in wnids.txt", line);
            string path = Path.Combine(images, fields[0].Trim());
            if (!File.Exists(path))
                throw new FileNotFoundException($"'{annotations}' line {number} names '{fields[0].Trim()}', but '{path}' does not exist.", path);
            paths.Add(path);
            labels.Add(label);
        }
        return new FileImageDataset(paths, labels, names);
    }
}
