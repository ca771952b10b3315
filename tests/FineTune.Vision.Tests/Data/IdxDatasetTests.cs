using System.IO.Compression;
using FineTune.Vision.Data;

namespace FineTune.Vision.Tests.Data;

public class IdxDatasetTests
{
    [Fact]
    public void ReadsTheShippedFashionMnistSubset()
    {
        var train = IdxDataset.Open(DataFixtures.FashionTrainImages, DataFixtures.FashionTrainLabels, IdxDataset.FashionMnistClasses);
        var test = IdxDataset.Open(DataFixtures.FashionTestImages, DataFixtures.FashionTestLabels, IdxDataset.FashionMnistClasses);
        Assert.Equal(3000, train.Count);
        Assert.Equal(600, test.Count);
        Assert.Equal((28, 28), (train.Height, train.Width));
        Assert.Equal("Ankle boot", train.ClassNames[9]);
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(300, Enumerable.Range(0, 3000).Count(i => train.GetLabel(i) == c)));
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(60, Enumerable.Range(0, 600).Count(i => test.GetLabel(i) == c)));
        Assert.Equal([9, 0, 0, 3, 0, 2, 7, 2, 5, 5], Enumerable.Range(0, 10).Select(train.GetLabel));
        Assert.Equal([9, 2, 1, 1, 6, 1, 4, 6, 5, 7], Enumerable.Range(0, 10).Select(test.GetLabel));
    }

    [Fact]
    public void ExpandsGrayscaleRecordsToRgb()
    {
        var train = IdxDataset.Open(DataFixtures.FashionTrainImages, DataFixtures.FashionTrainLabels);
        using var image = train.Load(0);
        Assert.Equal((28, 28), (image.Width, image.Height));
        byte[] px = image.Pixels.ToArray();
        Assert.Equal(3 * 76247, px.Sum(b => (long)b)); // sum of record 0's gray values, from the Python reader
        Assert.Equal(217, px[3 * (14 * 28 + 14)]);
        Assert.True(Enumerable.Range(0, 784).All(i => px[3 * i] == px[3 * i + 1] && px[3 * i] == px[3 * i + 2]));
        using var fifth = train.Load(5);
        Assert.Equal(3 * 84165, fifth.Pixels.ToArray().Sum(b => (long)b));
        Assert.Equal(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"], train.ClassNames);
        Assert.Contains("record 5", train.DescribeSource(5));
    }

    [Fact]
    public void ReadsUncompressedAndColourIdx()
    {
        using var dir = new TempDir();
        byte[] rgb = [.. Enumerable.Range(0, 2 * 2 * 3 * 3).Select(i => (byte)i)];
        File.WriteAllBytes(dir.File("img"), Idx(4, [3, 2, 2, 3], rgb[..36]));
        File.WriteAllBytes(dir.File("lab"), Idx(1, [3], [1, 0, 1]));
        var data = IdxDataset.Open(dir.File("img"), dir.File("lab"), ["a", "b"]);
        using var image = data.Load(2);
        Assert.Equal(rgb[24..36], image.Pixels.ToArray());
        Assert.Equal(1, data.GetLabel(2));
    }

    public static TheoryData<string, byte[], string> BadImageFiles => new()
    {
        { "bad magic", [1, 2, 3, 4, 0, 0, 0, 1], "is not an IDX file" },
        { "empty", [], "the file is empty" },
        { "float type", [0, 0, 0x0D, 3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0], "element type 0x0D" },
        { "two dims", [0, 0, 8, 2, 0, 0, 0, 1, 0, 0, 0, 1, 0], "has 2 dimensions; expected 3 or 4" },
        { "short header", [0, 0, 8, 3, 0, 0, 0, 1], "shorter than its 16-byte header" },
        { "zero dim", [0, 0, 8, 3, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1], "dimension 0 of size 0" },
        { "truncated", Idx(3, [2, 2, 2], new byte[8])[..^3], "holds 5 data bytes after its header, but its dimensions 2x2x2 need 8: the file is truncated" },
        { "trailing", [.. Idx(3, [1, 2, 2], new byte[4]), 7], "the file has trailing bytes" },
    };

    [Theory]
    [MemberData(nameof(BadImageFiles))]
    public void InvalidImagesFileNamesFileAndProblem(string name, byte[] content, string expected)
    {
        using var dir = new TempDir();
        string images = dir.File(name + ".idx");
        File.WriteAllBytes(images, content);
        File.WriteAllBytes(dir.File("labels"), Idx(1, [1], [0]));
        var e = Assert.Throws<InvalidDataException>(() => IdxDataset.Open(images, dir.File("labels")));
        Assert.Contains(images, e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void GzipIsDetectedAndCorruptGzipIsNamed()
    {
        using var dir = new TempDir();
        byte[] gz = Gzip(Idx(3, [1, 2, 2], [1, 2, 3, 4]));
        File.WriteAllBytes(dir.File("ok.bin"), gz);
        File.WriteAllBytes(dir.File("cut.gz"), gz[..(gz.Length - 12)]);
        File.WriteAllBytes(dir.File("labels"), Idx(1, [1], [0]));
        using (var image = IdxDataset.Open(dir.File("ok.bin"), dir.File("labels")).Load(0)) Assert.Equal(4, image.Pixels[9]);
        var e = Assert.ThrowsAny<InvalidDataException>(() => IdxDataset.Open(dir.File("cut.gz"), dir.File("labels")));
        Assert.Contains(dir.File("cut.gz"), e.Message);
    }

    [Fact]
    public void MismatchedCountsAndLabelsOutOfRangeAreNamed()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("img"), Idx(3, [2, 1, 1], [0, 0]));
        File.WriteAllBytes(dir.File("three"), Idx(1, [3], [0, 0, 0]));
        File.WriteAllBytes(dir.File("bad"), Idx(1, [2], [0, 5]));
        var count = Assert.Throws<InvalidDataException>(() => IdxDataset.Open(dir.File("img"), dir.File("three")));
        Assert.Contains("has 3 labels but", count.Message);
        var range = Assert.Throws<InvalidDataException>(() => IdxDataset.Open(dir.File("img"), dir.File("bad"), ["a", "b"]));
        Assert.Contains("record 1 has label 5, outside 0..1", range.Message);
        Assert.Throws<FileNotFoundException>(() => IdxDataset.Open(dir.File("missing"), dir.File("bad")));
    }

    internal static byte[] Idx(int rank, int[] dims, byte[] data)
    {
        var bytes = new List<byte> { 0, 0, 8, (byte)rank };
        foreach (int d in dims) bytes.AddRange([(byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d]);
        bytes.AddRange(data);
        return [.. bytes];
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal)) gzip.Write(data);
        return output.ToArray();
    }
}
