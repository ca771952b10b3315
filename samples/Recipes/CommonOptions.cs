using TorchSharp;

namespace FineTune.Vision.Recipes;

/// <summary>
/// The options every recipe takes: <c>--data DIR</c> (Tiny ImageNet as downloaded), <c>--weights FILE</c> (a timm or
/// Hugging Face file as downloaded), <c>--out DIR</c>, <c>--epochs N</c>, <c>--seed N</c>, <c>--workers N</c>,
/// <c>--threads N</c>, <c>--device cpu|cuda[:N]|auto</c>, <c>--grad-checkpointing</c> and <c>--smoke</c> (generated tiny data, a tiny model of the same architecture, seconds).
/// </summary>
public sealed class CommonOptions
{
    /// <summary>Where Tiny ImageNet is downloaded from (the dataset's home at Stanford CS231n).</summary>
    public const string TinyImageNetUrl = "http://cs231n.stanford.edu/tiny-imagenet-200.zip";

    /// <summary>The Tiny ImageNet root (holding <c>wnids.txt</c>); null in a smoke run that generates its data.</summary>
    public string? DataDir { get; init; }

    /// <summary>The pretrained checkpoint; null in a smoke run (it saves and loads a tiny one of its own).</summary>
    public string? WeightsFile { get; init; }

    /// <summary>Where every output goes (checkpoints, logs, tables, plots).</summary>
    public required string OutDir { get; init; }

    /// <summary>Epochs to train.</summary>
    public int Epochs { get; init; }

    /// <summary>Whether this is a smoke run (tiny data, tiny model, seconds).</summary>
    public bool Smoke { get; init; }

    /// <summary>Seeds data order, augmentation and initialisation.</summary>
    public int Seed { get; init; }

    /// <summary>Data-loader worker threads (null: one per core).</summary>
    public int? Workers { get; init; }

    /// <summary>Whether the model runs with activation checkpointing (<c>--grad-checkpointing</c>: less memory, about a quarter more time).</summary>
    public bool GradCheckpointing { get; init; }

    /// <summary>The device to train on (<c>--device</c>; null: CUDA when available, else the CPU).</summary>
    public torch.Device? Device { get; init; }

    /// <summary>libtorch intra-op threads (null: libtorch's default; smoke runs use 1, which is fastest for tiny models).</summary>
    public int? Threads { get; init; }

    /// <summary>
    /// Reads the common options (<paramref name="weightsHint"/> says which hub file the recipe wants) and sets libtorch's
    /// intra-op thread count to <see cref="Threads"/> when it is set (<see cref="RecipeRunner.Run"/> restores it).
    /// </summary>
    /// <exception cref="RecipeUsageException">A required option is missing, or a path does not exist.</exception>
    public static CommonOptions Read(RecipeArguments args, int defaultEpochs, string weightsHint)
    {
        ArgumentNullException.ThrowIfNull(args);
        bool smoke = args.Flag("smoke");
        string? data = args.Optional("data"), weights = args.Optional("weights");
        var options = new CommonOptions
        {
            Smoke = smoke,
            DataDir = data,
            WeightsFile = weights,
            OutDir = args.Optional("out") ?? Path.Combine("runs", args.Recipe + (smoke ? "-smoke" : "")),
            Epochs = args.Int("epochs", smoke ? 2 : defaultEpochs),
            Seed = args.Int("seed", 0, min: 0),
            Workers = args.Optional("workers") is null ? null : args.Int("workers", 1),
            GradCheckpointing = args.Flag("grad-checkpointing"),
            Threads = args.Optional("threads") is null ? (smoke ? 1 : null) : args.Int("threads", 1),
            Device = args.Optional("device") is { } device ? ReadDevice(args.Recipe, device) : null,
        };
        options.Check(args.Recipe, weightsHint);
        if (options.Threads is int threads) torch.set_num_threads(threads);
        return options;
    }

    private static torch.Device ReadDevice(string recipe, string spec)
    {
        try
        {
            return Core.TorchBackend.ParseDevice(spec);
        }
        catch (ArgumentException e)
        {
            throw new RecipeUsageException($"{recipe}: --device: {e.Message}");
        }
    }

    private void Check(string recipe, string weightsHint)
    {
        if (DataDir is null && !Smoke)
            throw new RecipeUsageException($"{recipe}: --data DIR is required: the tiny-imagenet-200 folder unzipped from {TinyImageNetUrl} (or --smoke for a tiny generated one).");
        if (DataDir is not null && !File.Exists(Path.Combine(DataDir, "wnids.txt")))
            throw new RecipeUsageException($"{recipe}: --data '{DataDir}' is not a Tiny ImageNet folder (no wnids.txt in it); give the tiny-imagenet-200 folder unzipped from {TinyImageNetUrl}.");
        if (WeightsFile is null && !Smoke)
            throw new RecipeUsageException($"{recipe}: --weights FILE is required: {weightsHint}");
        if (WeightsFile is not null && Smoke)
            throw new RecipeUsageException($"{recipe}: --weights cannot be used with --smoke: the smoke run trains a tiny model and saves and loads a tiny checkpoint of its own.");
        if (WeightsFile is not null && !File.Exists(WeightsFile))
            throw new RecipeUsageException($"{recipe}: --weights '{WeightsFile}' does not exist; {weightsHint}");
    }
}
