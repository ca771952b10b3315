using FineTune.Vision.Data;

namespace FineTune.Vision.Tests.Data;

public class DataLoaderBadDataTests
{
    /// <summary>A list file of 8 items: 5 good JPEGs and, at indices 1, 4 and 6, a corrupt, a truncated and a missing file.</summary>
    private static (TempDir Dir, FileImageDataset Data) BrokenList()
    {
        var dir = new TempDir();
        string val = Path.Combine(DataFixtures.TinyImageNetMini, "val", "images");
        byte[] jpeg = File.ReadAllBytes(Path.Combine(val, "val_0.JPEG"));
        File.WriteAllBytes(dir.File("corrupt.jpg"), [.. Enumerable.Range(0, 500).Select(i => (byte)(i * 37))]);
        File.WriteAllBytes(dir.File("truncated.jpg"), jpeg[..(jpeg.Length / 2)]);
        string[] names = ["val_0", "corrupt", "val_1", "val_2", "truncated", "val_3", "missing", "val_4"];
        File.WriteAllLines(dir.File("list.csv"), names.Select((n, i) =>
            (n.StartsWith("val_") ? Path.Combine(val, n + ".JPEG") : n + ".jpg") + "," + (i % 2)));
        return (dir, ImageList.Open(dir.File("list.csv")));
    }

    [Theory]
    [InlineData(1, "corrupt.jpg")]
    [InlineData(4, "truncated.jpg")]
    [InlineData(6, "missing.jpg")]
    public void AnUnreadableImageFailsTheEpochNamingIndexAndFile(int brokenIndex, string file)
    {
        var (dir, data) = BrokenList();
        using var _ = dir;
        var only = data.Subset([0, brokenIndex, 2]);
        using var loader = new DataLoader(only.With(new NaiveEncoder(8)), new DataLoaderOptions { BatchSize = 2, Workers = 2 });
        var e = Assert.Throws<SampleLoadException>(() => loader.Epoch(0).Count());
        Assert.Equal(1, e.Index); // the index in the dataset the loader reads (the subset)
        Assert.Contains(file, e.SourceDescription);
        Assert.Contains($"Sample 1 ('{dir.File(file)}') of epoch 0 could not be loaded", e.Message);
        Assert.Contains("SkipUnreadable", e.Message);
        Assert.Equal(0, loader.LiveWorkers);
    }

    [Fact]
    public void SkipUnreadableShrinksBatchesAndReportsTheSkippedFiles()
    {
        var (dir, data) = BrokenList();
        using var _ = dir;
        using var loader = new DataLoader(data.With(new NaiveEncoder(8)), new DataLoaderOptions { BatchSize = 3, Workers = 3, SkipUnreadable = true });
        EpochSummary? reported = null;
        loader.EpochCompleted += (_, s) => reported = s;
        var batches = loader.Epoch(0).Select(b => (b.Count, Indices: b.SampleIndices.ToArray(), Rows: b.Images.shape[0])).ToList();
        Assert.Equal([2, 2, 1], batches.Select(b => b.Count)); // [0,(1),2] [3,(4),5] [(6),7]
        Assert.Equal([0, 2, 3, 5, 7], batches.SelectMany(b => b.Indices));
        Assert.Equal(batches.Select(b => (long)b.Count), batches.Select(b => b.Rows));
        Assert.NotNull(reported);
        Assert.Same(reported, loader.LastEpochSummary);
        Assert.Equal(5, reported.Samples);
        Assert.Equal([1, 4, 6], reported.Skipped.Select(s => s.Index));
        Assert.Contains("corrupt.jpg", reported.Skipped[0].Source);
        Assert.Contains("truncated", reported.Skipped[1].Reason);
        Assert.Contains("missing.jpg", reported.Skipped[2].Reason);
    }

    [Fact]
    public void EncoderErrorsAreNeverSkipped()
    {
        var (dir, data) = BrokenList();
        using var _ = dir;
        using var loader = new DataLoader(data.Subset([0, 2]).With(new ThrowingEncoder()), new DataLoaderOptions { SkipUnreadable = true, Workers = 1 });
        var e = Assert.Throws<SampleLoadException>(() => loader.Epoch(0).Count());
        Assert.Contains("could not be encoded: encoder bug", e.Message);
        Assert.Contains("val_0.JPEG", e.Message);
        Assert.IsType<InvalidOperationException>(e.InnerException);
    }

    [Fact]
    public void AUInt8SourceRejectsImagesOfTheWrongSize()
    {
        var data = TinyImageNet.Open(DataFixtures.TinyImageNetMini).Validation;
        using var loader = new DataLoader(data.WithUInt8(32, 32), new DataLoaderOptions { Workers = 1 });
        var e = Assert.Throws<SampleLoadException>(() => loader.Epoch(0).Count());
        Assert.Contains("is 64x64 after the transform, but this uint8 source needs exactly 32x32", e.Message);
        Assert.Contains("val_0.JPEG", e.Message);
    }
}
