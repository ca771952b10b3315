using FineTune.Vision.Tests.Data;
using QuickStart;

namespace FineTune.Vision.Tests.Samples;

/// <summary>The README's first command, in its CI budget (--smoke): every step runs and every output is written.</summary>
public sealed class QuickStartTests
{
    [Fact]
    public void Smoke_run_fine_tunes_compares_and_writes_its_outputs()
    {
        using var dir = new TempDir();
        var log = new StringWriter();

        QuickStartResult result = QuickStartRun.Run(QuickStartOptions.Parse(["--smoke", "--out", dir.Path]), log);

        string text = log.ToString();
        Assert.Contains("classifier re-initialised for [Sandal, Shirt, Sneaker, Bag, Ankle boot]", text, StringComparison.Ordinal);
        Assert.Contains("Loaded ", text, StringComparison.Ordinal);                 // the LoadReport
        Assert.Contains("before fine-tuning", text, StringComparison.Ordinal);
        Assert.Equal(64, result.FineTuned.Samples);
        Assert.NotNull(result.HeadOnly);
        Assert.NotNull(result.RandomInit);
        foreach (string run in new[] { "finetune", "head-only", "random-init" })
        {
            Assert.True(new FileInfo(Path.Combine(dir.Path, $"{run}.csv")).Length > 0, $"{run}.csv");
            Assert.True(new FileInfo(Path.Combine(dir.Path, $"{run}-curves.png")).Length > 0, $"{run}-curves.png");
            Assert.NotEmpty(Directory.GetFiles(Path.Combine(dir.Path, "tensorboard", run), "events.out.tfevents.*"));
        }
    }

    [Fact]
    public void Options_parse_and_reject_unknown_flags()
    {
        var o = QuickStartOptions.Parse(["--epochs", "3", "--out", "x", "--no-baselines"]);
        Assert.Equal((3, "x", false, false), (o.Epochs, o.OutputDirectory, o.Baselines, o.Smoke));
        Assert.Throws<ArgumentException>(() => QuickStartOptions.Parse(["--epochs", "0"]));
        Assert.Throws<ArgumentException>(() => QuickStartOptions.Parse(["--bogus"]));
    }
}
