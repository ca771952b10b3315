using FineTune.Vision.Cli;
using FineTune.Vision.Recipes;

namespace FineTune.Vision.Tests.Recipes;

/// <summary>Argument mistakes fail before any work, with a message that names the option and the fix.</summary>
public sealed class RecipeArgumentTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ftv-recipe-args-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Fails(IRecipe recipe, params string[] args) =>
        Assert.Throws<RecipeUsageException>(() => RecipeRunner.Run(recipe, args, TextWriter.Null)).Message;

    [Fact]
    public void Missing_data_and_weights_say_where_to_download_them()
    {
        Assert.Contains("tiny-imagenet-200.zip", Fails(new TinyImageNetVitRecipe(), "--weights", "w.safetensors"));
        string weights = Fails(new TinyImageNetVitRecipe(), "--data", Path.Combine(_dir, "missing"));
        Assert.Contains("--data", weights);
        SmokeData.Generate(_dir, classes: 2, trainPerClass: 1, valPerClass: 1);
        string noWeights = Fails(new BeitLoraRecipe(), "--data", _dir);
        Assert.Contains("timm/beit_large_patch16_384.in22k_ft_in22k_in1k", noWeights);
        Assert.Contains("model.safetensors", noWeights);
        Assert.Contains("does not exist", Fails(new TinyImageNetVitRecipe(), "--data", _dir, "--weights", Path.Combine(_dir, "nope.safetensors")));
    }

    [Fact]
    public void Typos_bad_values_and_conflicts_are_named()
    {
        string typo = Fails(new TinyImageNetVitRecipe(), "--smoke", "--head-olny");
        Assert.Contains("--head-olny", typo);
        Assert.Contains("--head-only", typo);                                       // lists what it takes
        Assert.Contains("'fast'", Fails(new TinyImageNetVitRecipe(), "--smoke", "--epochs", "fast"));
        Assert.Contains("sgdr, cyclic", Fails(new TransferTricksRecipe(), "--smoke", "--schedule", "step"));
        Assert.Contains("--weights cannot be used with --smoke", Fails(new TinyImageNetVitRecipe(), "--smoke", "--weights", "w.safetensors"));
        Assert.Contains("switch", Fails(new TinyImageNetZooRecipe(), "--smoke", "--ema", "yes"));
        Assert.Contains("given twice", Fails(new TinyImageNetZooRecipe(), "--smoke", "--epochs", "1", "--epochs", "2"));
        Assert.Contains("--model is required", Fails(new TinyImageNetZooRecipe(), "--data", _dir, "--weights", "w"));
        Assert.Contains("swin_large_patch4_window12_384", Fails(new TinyImageNetZooRecipe(), "--smoke", "--model", "resnet50"));
        Assert.Contains("--autoaugment replaces RandAugment", Fails(new TinyImageNetZooRecipe(), "--smoke", "--autoaugment", "--no-randaugment"));
        Assert.Contains("--model", Fails(new TransferTricksRecipe(), "--smoke", "--model", "vit_bsae_patch16_384"));
    }

    [Fact]
    public void Main_prints_the_error_and_usage_and_exits_with_2()
    {
        var error = new StringWriter();
        int code = RecipeRunner.Main(new TinyImageNetVitRecipe(), ["--smoke", "--batch-size", "0"], TextWriter.Null, error);

        Assert.Equal(2, code);
        Assert.Contains("error: tiny-imagenet-vit: --batch-size must be ≥ 1 (was 0).", error.ToString());
        Assert.Contains("--head-only", error.ToString());
    }

    [Fact]
    public void Cli_train_names_the_recipes_and_hands_the_rest_to_the_recipe()
    {
        var unknown = Assert.Throws<UsageException>(() => TrainVerb.Run(CliApp.Parse(["train", "--recipe", "vit"]).Parse, TextWriter.Null));
        Assert.Contains("tiny-imagenet-vit, beit-lora, transfer-tricks, tiny-imagenet-zoo", unknown.Message);
        var missing = Assert.Throws<UsageException>(() => TrainVerb.Run(CliApp.Parse(["train", "--smoke"]).Parse, TextWriter.Null));
        Assert.Contains("unknown option(s) or argument(s) --smoke", missing.Message);   // without --recipe, train is the generic run
        var bad = Assert.Throws<UsageException>(() => TrainVerb.Run(CliApp.Parse(["train", "--recipe", "beit-lora", "--smoke", "--rank", "4"]).Parse, TextWriter.Null));
        Assert.Contains("--rank", bad.Message);
        Assert.Contains("--accumulation", bad.Message);                              // the recipe's usage follows
    }

    [Fact]
    public void Cli_train_runs_a_recipe_smoke()
    {
        var output = new StringWriter();
        int code = TrainVerb.Run(CliApp.Parse(["train", "--recipe", "tiny-imagenet-vit", "--smoke", "--epochs", "1", "--workers", "1", "--out", _dir]).Parse, output);

        Assert.Equal(0, code);
        Assert.True(File.Exists(Path.Combine(_dir, "checkpoints", "best.safetensors")), output.ToString());
        Assert.Contains("best_val_top1", File.ReadAllText(Path.Combine(_dir, "summary.md")));
    }
}
