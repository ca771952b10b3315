using FineTune.Vision.Metrics;
using FineTune.Vision.Data;
using FineTune.Vision.Imaging;
using FineTune.Vision.Recipes;

namespace FineTune.Vision.Tests.Recipes;

public sealed class SmokeDataTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ftv-smoke-data-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Generates_the_tiny_imagenet_layout_with_64_pixel_jpegs_from_the_photographs()
    {
        string root = SmokeData.Generate(Path.Combine(_dir, "a"), classes: 5, trainPerClass: 3, valPerClass: 2, seed: 7);

        var data = TinyImageNet.Open(root);
        Assert.Equal(5, data.Wnids.Count);
        Assert.Equal(15, data.Train.Count);
        Assert.Equal(10, data.Validation.Count);
        Assert.Equal("coffee top left", data.ClassNames[4]);
        Assert.Equal([0, 0, 1, 1, 2, 2, 3, 3, 4, 4], Enumerable.Range(0, 10).Select(data.Validation.GetLabel));
        Assert.All(data.Train.Paths, p => Assert.EndsWith(".JPEG", p));
        using RgbImage image = data.Train.Load(0);
        Assert.Equal((64, 64), (image.Width, image.Height));
        using RgbImage other = data.Train.Load(3 * 4);                                  // a coffee crop differs from a cat crop
        Assert.NotEqual(image.Pixels.ToArray(), other.Pixels.ToArray());
    }

    [Fact]
    public void Is_deterministic_per_seed()
    {
        string a = SmokeData.Generate(Path.Combine(_dir, "a"), classes: 2, trainPerClass: 2, valPerClass: 1, seed: 3);
        string b = SmokeData.Generate(Path.Combine(_dir, "b"), classes: 2, trainPerClass: 2, valPerClass: 1, seed: 3);
        string c = SmokeData.Generate(Path.Combine(_dir, "c"), classes: 2, trainPerClass: 2, valPerClass: 1, seed: 4);

        static byte[] First(string root) => File.ReadAllBytes(TinyImageNet.Open(root).Train.Paths[0]);
        Assert.Equal(First(a), First(b));
        Assert.NotEqual(First(a), First(c));
    }

    [Fact]
    public void Rejects_more_classes_than_quadrants()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SmokeData.Generate(_dir, classes: 9));
    }

    [Fact]
    public void Results_table_round_trips_and_replaces_a_rerun()
    {
        var table = new ResultsTable();
        table.Upsert(new ResultsRow("cait_s36_384", "adamw, full", 10, 0.8674, 0.97, null, null));
        table.Upsert(new ResultsRow("swin_large_patch4_window12_384", "sgd, ema", 10, 0.9, 0.98, 0.91, 0.985));
        table.Upsert(new ResultsRow("cait_s36_384", "adamw, full", 12, 0.87, 0.975, null, null));
        table.Save(_dir);

        var loaded = ResultsTable.Load(Path.Combine(_dir, "results.csv"));
        Assert.Equal(table.Rows, loaded.Rows);
        Assert.Contains("| cait_s36_384 | adamw, full | 12 | 87.00 | 97.50 | – | – |", loaded.ToMarkdown());
        // With its sample count a row prints top-1's 95 % Clopper–Pearson interval: 87 of 100 correct.
        table.Upsert(new ResultsRow("vit_large_patch16_384", "adamw, full", 10, 0.87, 0.99, null, null, Samples: 100));
        table.Save(_dir);
        loaded = ResultsTable.Load(Path.Combine(_dir, "results.csv"));
        Assert.Equal(table.Rows, loaded.Rows);
        Assert.Contains($"| vit_large_patch16_384 | adamw, full | 10 | 87.00 {ConfidenceInterval.ForProportion(87, 100)} | 99.00 |", loaded.ToMarkdown());
        Assert.Equal("[78.8, 92.9]", ConfidenceInterval.ForProportion(87, 100).ToString()); // scipy.stats.binomtest(87, 100).proportion_ci()
        // A table written before the samples column still loads.
        File.WriteAllText(Path.Combine(_dir, "results.csv"), "model,settings,epochs,top1,top5,ema_top1,ema_top5\ncait_s36_384,adamw; full,10,0.8674,0.97,,\n");
        Assert.Equal(0, ResultsTable.Load(Path.Combine(_dir, "results.csv")).Rows.Single().Samples);
        File.WriteAllText(Path.Combine(_dir, "results.csv"), "something else\n");
        Assert.Throws<InvalidDataException>(() => ResultsTable.Load(Path.Combine(_dir, "results.csv")));
    }
}
