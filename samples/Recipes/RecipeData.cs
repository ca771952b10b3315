using FineTune.Vision.Data;
using FineTune.Vision.Transforms;

namespace FineTune.Vision.Recipes;

/// <summary>The data side shared by the recipes: Tiny ImageNet (downloaded or generated for a smoke run) and loaders.</summary>
public static class RecipeData
{
    /// <summary>
    /// Opens Tiny ImageNet at <see cref="CommonOptions.DataDir"/>, or, in a smoke run without <c>--data</c>, generates a
    /// tiny one under <c>OUT/smoke-data/tiny-imagenet-200</c> first (<see cref="SmokeData"/>).
    /// </summary>
    public static TinyImageNet Open(CommonOptions common, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(common);
        ArgumentNullException.ThrowIfNull(log);
        string root = common.DataDir ?? SmokeData.Generate(Path.Combine(common.OutDir, "smoke-data", "tiny-imagenet-200"), seed: common.Seed);
        var data = TinyImageNet.Open(root);
        log.WriteLine($"data: {root}: {data.Wnids.Count} classes, {data.Train.Count} training and {data.Validation.Count} validation images"
                      + (common.DataDir is null ? " (generated smoke data)" : ""));
        return data;
    }

    /// <summary>The evaluation pipeline of a model of input size <paramref name="size"/>: resize bicubic to size (no crop: Tiny ImageNet is square), normalise.</summary>
    public static SampleEncoder EvalEncoder(int size, Normalization normalization) =>
        Presets.Eval(new EvalPresetOptions { Size = size, CropPct = 1.0, Normalization = normalization });

    /// <summary>An unshuffled loader over <paramref name="source"/> for evaluation and prediction.</summary>
    public static DataLoader EvalLoader(SampleSource source, int batchSize, CommonOptions common) =>
        new(source, new DataLoaderOptions
        {
            BatchSize = batchSize, Shuffle = false, DropLast = false, Seed = common.Seed,
            Workers = common.Workers ?? Environment.ProcessorCount,
        });
}
