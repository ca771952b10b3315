using FineTune.Vision.Data;

namespace FineTune.Vision.Tests.Data;

public class FileDatasetTests
{
    private static readonly string[] Wnids = ["n02123045", "n04266014", "n07920052"];

    [Fact]
    public void TinyImageNetReadsTrainAndValInPlace()
    {
        var data = TinyImageNet.Open(DataFixtures.TinyImageNetMini);
        Assert.Equal(Wnids, data.Wnids); // sorted, although wnids.txt is not
        Assert.Equal(["tabby, tabby cat", "space shuttle", "espresso"], data.ClassNames);
        Assert.Equal(12, data.Train.Count);
        Assert.Equal([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2], Enumerable.Range(0, 12).Select(data.Train.GetLabel));
        Assert.EndsWith(Path.Combine("train", "n04266014", "images", "n04266014_0.JPEG"), data.Train.Paths[4]);
        Assert.Equal(6, data.Validation.Count);
        Assert.Equal([0, 2, 1, 0, 2, 1], Enumerable.Range(0, 6).Select(data.Validation.GetLabel)); // cat, espresso, shuttle, ...
        Assert.EndsWith(Path.Combine("val", "images", "val_1.JPEG"), data.Validation.Paths[1]);
        using var image = data.Validation.Load(1);
        Assert.Equal((64, 64), (image.Width, image.Height));
        Assert.Contains("val_1.JPEG", data.Validation.DescribeSource(1));
    }

    [Fact]
    public void ImageFolderSortsClassesAndFilesOrdinally()
    {
        var folder = ImageFolder.Open(Path.Combine(DataFixtures.TinyImageNetMini, "train"));
        Assert.Equal(Wnids, folder.ClassNames);
        Assert.Equal(12, folder.Count); // *_boxes.txt files are not images
        Assert.Equal(4, Enumerable.Range(0, 12).Count(i => folder.GetLabel(i) == 2 && folder.Paths[i].Contains("n07920052")));
        Assert.True(folder.Paths.SequenceEqual(folder.Paths.Order(StringComparer.Ordinal)));
        using var image = folder.Load(11);
        Assert.Equal(64, image.Width);
    }

    [Fact]
    public void ImageFolderEmptyClassFolderIsNamed()
    {
        using var dir = new TempDir();
        File.Copy(TinyJpeg, dir.File("b", "x.jpg"));
        Directory.CreateDirectory(Path.Combine(dir.Path, "a", "nested"));
        File.WriteAllText(dir.File("a", "notes.txt"), "not an image");
        var e = Assert.Throws<InvalidDataException>(() => ImageFolder.Open(dir.Path));
        Assert.Contains(Path.Combine(dir.Path, "a"), e.Message);
        Assert.Contains("has no image files", e.Message);
        Assert.Throws<DirectoryNotFoundException>(() => ImageFolder.Open(Path.Combine(dir.Path, "missing")));
        Assert.Contains("no class sub-folders", Assert.Throws<InvalidDataException>(() => ImageFolder.Open(Path.Combine(dir.Path, "b"))).Message);
    }

    [Theory]
    [InlineData("val_0.JPEG\tn02123045\t0\t0\t63", 2, "6 tab-separated fields")]
    [InlineData("val_0.JPEG n02123045 0 0 63 63", 3, "6 tab-separated fields")]
    [InlineData("val_0.JPEG\tn02123045\t0\tzero\t63\t63", 1, "integer box")]
    [InlineData("val_0.JPEG\tn99999999\t0\t0\t63\t63", 2, "wnid 'n99999999' is not listed in wnids.txt")]
    public void TinyImageNetMalformedAnnotationNamesFileAndLine(string badLine, int lineNumber, string expected)
    {
        using var dir = CopyMini();
        string annotations = dir.File("val", "val_annotations.txt");
        var lines = File.ReadAllLines(annotations).ToList();
        lines.Insert(lineNumber - 1, badLine);
        File.WriteAllLines(annotations, lines);
        var e = Assert.Throws<InvalidDataException>(() => TinyImageNet.Open(dir.Path));
        Assert.Contains($"{annotations}:{lineNumber}:", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void TinyImageNetMissingPiecesAreNamed()
    {
        using var dir = CopyMini();
        string annotations = dir.File("val", "val_annotations.txt");
        File.AppendAllText(annotations, "val_99.JPEG\tn02123045\t0\t0\t63\t63\n");
        var missing = Assert.Throws<FileNotFoundException>(() => TinyImageNet.Open(dir.Path));
        Assert.Contains($"'{annotations}' line 7 names 'val_99.JPEG'", missing.Message);
        Directory.Delete(Path.Combine(dir.Path, "train", "n07920052", "images"), recursive: true);
        var train = Assert.Throws<DirectoryNotFoundException>(() => TinyImageNet.Open(dir.Path));
        Assert.Contains(Path.Combine("train", "n07920052", "images"), train.Message);
        File.Delete(dir.File("wnids.txt"));
        Assert.Contains("wnids.txt", Assert.Throws<FileNotFoundException>(() => TinyImageNet.Open(dir.Path)).Message);
    }

    [Fact]
    public void ImageListResolvesRelativePathsAndReadsNamesOrIndices()
    {
        using var dir = CopyMini();
        string list = dir.File("lists", "train.csv");
        File.WriteAllLines(list, ["path,label", "../val/images/val_0.JPEG,cat", "", $"{dir.File("val", "images", "val_1.JPEG")},coffee", "../val/images/val_3.JPEG,cat"]);
        var named = ImageList.Open(list);
        Assert.Equal(["cat", "coffee"], named.ClassNames);
        Assert.Equal([0, 1, 0], Enumerable.Range(0, 3).Select(named.GetLabel));
        Assert.Equal(Path.GetFullPath(dir.File("val", "images", "val_0.JPEG")), named.Paths[0]);
        using (var image = named.Load(2)) Assert.Equal(64, image.Height);

        File.WriteAllLines(list, ["../val/images/val_0.JPEG,2", "../val/images/val_1.JPEG,0"]);
        var indexed = ImageList.Open(list);
        Assert.Equal(["0", "1", "2"], indexed.ClassNames);
        Assert.Equal(2, indexed.GetLabel(0));
        var given = ImageList.Open(list, new ImageListOptions { ClassNames = ["x", "y", "z"] });
        Assert.Equal("z", given.ClassNames[given.GetLabel(0)]);
    }

    [Theory]
    [InlineData("no-delimiter-here", "expected 'path,label'")]
    [InlineData(",3", "expected 'path,label'")]
    [InlineData("a.jpg,", "expected 'path,label'")]
    public void ImageListBadLineNamesFileAndLine(string badLine, string expected)
    {
        using var dir = new TempDir();
        string list = dir.File("list.csv");
        File.WriteAllLines(list, ["a.jpg,1", "", badLine]);
        var e = Assert.Throws<InvalidDataException>(() => ImageList.Open(list));
        Assert.Contains($"{list}:3:", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void ImageListUnknownClassNameIsNamed()
    {
        using var dir = new TempDir();
        string list = dir.File("list.csv");
        File.WriteAllLines(list, ["a.jpg,cat", "b.jpg,dog"]);
        var e = Assert.Throws<InvalidDataException>(() => ImageList.Open(list, new ImageListOptions { ClassNames = ["cat"] }));
        Assert.Contains($"{list}:2: label 'dog' is neither a class name nor an index 0..0", e.Message);
    }

    internal static string TinyJpeg => Path.Combine(DataFixtures.TinyImageNetMini, "val", "images", "val_0.JPEG");

    internal static TempDir CopyMini()
    {
        var dir = new TempDir();
        foreach (string file in Directory.EnumerateFiles(DataFixtures.TinyImageNetMini, "*", SearchOption.AllDirectories))
            File.Copy(file, dir.File(Path.GetRelativePath(DataFixtures.TinyImageNetMini, file)));
        return dir;
    }
}
