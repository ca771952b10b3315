using System.Text;
using FineTune.Vision.Optim;
using FineTune.Vision.Tests.Data;
using FineTune.Vision.Training;
using FineTune.Vision.Training.Callbacks;

namespace FineTune.Vision.Tests.Training;

/// <summary>TensorBoard event files, CSV summaries, console progress, training-curve plots and top-k checkpoints.</summary>
public sealed class LoggerTests : IDisposable
{
    private readonly IDisposable _threads = TrainingFixtures.SingleThread();

    /// <summary>Restores the intra-op thread count.</summary>
    public void Dispose() => _threads.Dispose();

    [Fact]
    public void Loggers_write_tensorboard_csv_progress_and_curves()
    {
        using var dir = new TempDir();
        var progress = new StringWriter();
        string csv = Path.Combine(dir.Path, "metrics.csv"), png = Path.Combine(dir.Path, "curves.png"), runs = Path.Combine(dir.Path, "runs", "a");
        using var model = TrainingFixtures.Model(TrainingFixtures.MicroVit);
        using var train = TrainingFixtures.Loader(TrainingFixtures.Encode(TrainingFixtures.FashionTrain(40), 8), 4, shuffle: true);
        using var val = TrainingFixtures.Loader(TrainingFixtures.Encode(TrainingFixtures.FashionTest(8), 8), 4, shuffle: false);
        var checkpoint = new ModelCheckpoint(Path.Combine(dir.Path, "ckpt"), monitor: Metric.ValLoss, saveBest: false, saveLast: false, keepTopK: 2);
        using var trainer = new Trainer(model, new TrainerOptions
        {
            Epochs = 3, Optimizer = Optimizers.AdamW(1e-3),
            Callbacks =
            {
                new TensorBoardLogger(runs, everyNSteps: 5), new CsvLogger(csv), new TrainingCurves(png), checkpoint,
                new ProgressDisplay(progress, interactive: false, lineEveryNBatches: 5),
            },
        });
        trainer.Fit(train, val);

        string[] events = Directory.GetFiles(runs, "events.out.tfevents.*");
        Assert.NotEmpty(events);
        string content = Encoding.Latin1.GetString(events.SelectMany(File.ReadAllBytes).ToArray());
        foreach (string tag in new[] { "train/loss", "train/lr", "train/accuracy", "epoch/val_loss", "epoch/val_top1", "epoch/train_loss" })
            Assert.Contains(tag, content);
        // 30 optimizer steps logged every 5 → 6 scalars per batch-level tag; one per epoch for each epoch metric.
        Assert.Equal(6, Occurrences(content, "train/loss"));
        Assert.Equal(6, Occurrences(content, "train/lr"));
        Assert.Equal(3, Occurrences(content, "epoch/val_loss"));

        string[] rows = File.ReadAllLines(csv);
        Assert.Equal("epoch,train_loss,train_top1,lr,val_loss,val_top1,val_top5,seconds", rows[0]);
        Assert.Equal(4, rows.Length);
        Assert.StartsWith("3,", rows[3]);

        string[] lines = progress.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3 * 2 + 3, lines.Length); // batches 5 and 10 of each epoch, plus one summary per epoch
        Assert.Contains("img/s", lines[0]);
        Assert.Contains("ETA", lines[0]);
        Assert.StartsWith("epoch 3/3", lines[^1]);

        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(png)[..4]);
        Assert.Equal(2, checkpoint.TopK.Count);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(dir.Path, "ckpt"), "epoch-*.safetensors").Length);
        Assert.All(checkpoint.TopK, p => Assert.True(File.Exists(Trainer.StatePathFor(p))));
        // The two kept are the epochs with the lowest validation loss, best first.
        var ranked = trainer.Context.History.Select((h, i) => (Loss: h["val_loss"], Name: $"epoch-{i + 1:D3}.safetensors")).OrderBy(e => e.Loss).Take(2);
        Assert.Equal(ranked.Select(e => e.Name), checkpoint.TopK.Select(Path.GetFileName));
    }

    private static int Occurrences(string text, string tag)
    {
        int count = 0;
        for (int i = text.IndexOf(tag, StringComparison.Ordinal); i >= 0; i = text.IndexOf(tag, i + tag.Length, StringComparison.Ordinal)) count++;
        return count;
    }
}
