using FineTune.Vision.Adaptation;
using FineTune.Vision.Data;
using FineTune.Vision.Models;
using FineTune.Vision.Recipes;
using FineTune.Vision.Weights;

namespace FineTune.Vision.Tests.Recipes;

/// <summary>Each seed recipe's --smoke run completes end to end (tiny data, tiny model of the recipe's architecture) and writes its outputs.</summary>
public sealed class RecipeSmokeTests(SmokeDataFixture data) : IClassFixture<SmokeDataFixture>, IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("ftv-recipes-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    private (RecipeResult Result, string Log) Run(IRecipe recipe, params string[] extra)
    {
        var log = new StringWriter();
        string[] args = ["--smoke", "--out", _out, "--workers", "1", .. extra];
        var result = RecipeRunner.Run(recipe, args, log);
        foreach (string file in result.Files) Assert.True(File.Exists(file), $"{recipe.Name} reported '{file}' but it does not exist.\n{log}");
        return (result, log.ToString());
    }

    [Fact]
    public void TinyImageNetViT_generates_its_data_loads_a_checkpoint_and_writes_best_checkpoint_logs_and_tensorboard()
    {
        var (result, log) = Run(new TinyImageNetVitRecipe());

        Assert.True(File.Exists(Path.Combine(_out, "smoke-data", "tiny-imagenet-200", "wnids.txt")));
        Assert.Contains("classifier dropped", log);                                  // the saved 10-class head was replaced
        Assert.True(File.Exists(Path.Combine(_out, "checkpoints", "best.safetensors")));
        Assert.Equal(3, File.ReadAllLines(Path.Combine(_out, "log.csv")).Length);      // header + 2 epochs
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(_out, "tensorboard"), "events.out.tfevents*"));
        Assert.Equal(2, result.Metrics["epochs_run"]);
        Assert.InRange(result.Metrics["best_val_top1"], 0, 1);
        var best = SafeTensors.Load(Path.Combine(_out, "checkpoints", "best.safetensors"));
        Assert.Equal([6, 32], best["head.weight"].shape);                               // 6 smoke classes, width 32
        best.Dispose();
    }

    [Fact]
    public void TinyImageNetViT_head_only_trains_only_the_classifier()
    {
        var (_, log) = Run(new TinyImageNetVitRecipe(), "--head-only", "--epochs", "1", "--data", data.Root);

        Assert.Matches(@"trainable params: 198 \|\|", log);                              // head 32x6 + 6
    }

    [Fact]
    public void BeitLora_trains_adapters_and_writes_a_prediction_per_validation_image()
    {
        var (result, log) = Run(new BeitLoraRecipe(), "--data", data.Root);

        Assert.Contains("LoRA r=16 on q, v of 2 attention blocks", log);
        string[] rows = File.ReadAllLines(Path.Combine(_out, "predictions.csv"));
        Assert.Equal("file,true_wnid,predicted_wnid,predicted_name,probability", rows[0]);
        Assert.Equal(TinyImageNet.Open(data.Root).Validation.Count, rows.Length - 1);
        Assert.InRange(result.Metrics["test_top1"], 0, 1);
        using var fresh = VisionModels.Create<ModelConfig>(BeitLoraRecipe.Architecture, c => c.WithOverrides(new Dictionary<string, string>(RecipeModels.SmokeOverrides(BeitLoraRecipe.Architecture)) { ["num_classes"] = "6" }));
        var adapters = Lora.LoadAdapters(fresh, Path.Combine(_out, "lora-adapters.safetensors"));
        Assert.Equal(2, adapters.Adapters.Count);
    }

    [Theory]
    [InlineData("sgdr")]
    [InlineData("cyclic")]
    public void TransferTricks_runs_the_range_test_both_stages_and_saves_plots_and_weights(string schedule)
    {
        var (result, log) = Run(new TransferTricksRecipe(), "--data", data.Root, "--schedule", schedule, "--epochs", "1");

        Assert.Contains("LR range test", log);
        Assert.Contains("stage 2: last 2 block(s) unfrozen", log);
        // One rate per unfrozen layer group (the frozen stem has none), rising geometrically to the picked rate at the head.
        var rates = System.Text.RegularExpressions.Regex.Match(log, @"discriminative rates blocks\.0 (\S+), blocks\.1 (\S+), norm (\S+), head (\S+);");
        Assert.True(rates.Success, log);
        double[] r = [.. rates.Groups.Values.Skip(1).Select(g => double.Parse(g.Value, System.Globalization.CultureInfo.InvariantCulture))];
        Assert.True(r[0] < r[1] && r[1] < r[2] && r[2] < r[3], string.Join(", ", r));
        Assert.InRange(r[3] / result.Metrics["lr"], 0.995, 1.005);                      // printed with 3 digits
        foreach (string file in new[] { "lr-find.png", "schedule.png", "model.safetensors" })
            Assert.True(new FileInfo(Path.Combine(_out, file)).Length > 0, file);
        Assert.True(result.Metrics["lr"] > 0);
    }

    [Fact]
    public void TinyImageNetZoo_trains_all_four_architectures_and_tabulates_top1_and_top5()
    {
        var (result, log) = Run(new TinyImageNetZooRecipe(), "--data", data.Root, "--epochs", "1", "--ema", "--no-mixup");

        var table = ResultsTable.Load(Path.Combine(_out, "results.csv"));
        Assert.Equal(TinyImageNetZooRecipe.Models, table.Rows.Select(r => r.Model));
        Assert.All(table.Rows, r =>
        {
            Assert.Equal("adamw, no-mixup, ema", r.Settings);
            Assert.InRange(r.Top1, 0, r.Top5);
            Assert.NotNull(r.EmaTop1);
        });
        string markdown = File.ReadAllText(Path.Combine(_out, "results.md"));
        Assert.Equal(2 + 4, markdown.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("| swin_large_patch4_window12_384 | adamw, no-mixup, ema | 1 |", log);
        Assert.Equal(table.Rows[^1].Top1, result.Metrics["val_top1"]);
    }
}
