namespace FineTune.Vision.Recipes;

/// <summary>
/// The DeiT-style recipe of seed recipe 4 and its ablation switches: AdamW or SGD (with or without Nesterov);
/// RandAugment <c>rand-m9-mstd0.5-inc1</c> (or AutoAugment), random erasing 0.25, Mixup 0.8, CutMix 1.0, label
/// smoothing 0.1, drop path 0.1, optional model EMA (decay 0.99996), all from DeiT's <c>main.py</c> defaults.
/// </summary>
public sealed record ZooSettings
{
    /// <summary>adamw, sgd or sgd-nesterov.</summary>
    public string Optimizer { get; init; } = "adamw";

    /// <summary>RandAugment on.</summary>
    public bool RandAugment { get; init; } = true;

    /// <summary>AutoAugment (ImageNet policy) in place of RandAugment.</summary>
    public bool AutoAugment { get; init; }

    /// <summary>Random erasing (p 0.25, per-pixel noise) on.</summary>
    public bool Erasing { get; init; } = true;

    /// <summary>Mixup (alpha 0.8) on.</summary>
    public bool Mixup { get; init; } = true;

    /// <summary>CutMix (alpha 1.0) on.</summary>
    public bool CutMix { get; init; } = true;

    /// <summary>Label smoothing 0.1 on.</summary>
    public bool Smoothing { get; init; } = true;

    /// <summary>Stochastic depth 0.1 on.</summary>
    public bool DropPath { get; init; } = true;

    /// <summary>Model EMA on.</summary>
    public bool Ema { get; init; }

    /// <summary>Reads <c>--optimizer</c> and the ablation switches.</summary>
    public static ZooSettings Read(RecipeArguments args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var settings = new ZooSettings
        {
            Optimizer = args.Choice("optimizer", "adamw", "adamw", "sgd", "sgd-nesterov"),
            RandAugment = !args.Flag("no-randaugment"),
            AutoAugment = args.Flag("autoaugment"),
            Erasing = !args.Flag("no-erasing"),
            Mixup = !args.Flag("no-mixup"),
            CutMix = !args.Flag("no-cutmix"),
            Smoothing = !args.Flag("no-smoothing"),
            DropPath = !args.Flag("no-drop-path"),
            Ema = args.Flag("ema"),
        };
        if (settings.AutoAugment && !settings.RandAugment)
            throw new RecipeUsageException($"{args.Recipe}: --autoaugment replaces RandAugment; drop --no-randaugment (or drop --autoaugment for no policy).");
        return settings;
    }

    /// <summary>What differs from the full recipe, e.g. <c>sgd-nesterov, no-mixup, ema</c> (or <c>adamw, full</c>).</summary>
    public string Describe()
    {
        List<string> parts = [Optimizer];
        if (AutoAugment) parts.Add("autoaugment");
        else if (!RandAugment) parts.Add("no-randaugment");
        if (!Erasing) parts.Add("no-erasing");
        if (!Mixup) parts.Add("no-mixup");
        if (!CutMix) parts.Add("no-cutmix");
        if (!Smoothing) parts.Add("no-smoothing");
        if (!DropPath) parts.Add("no-drop-path");
        if (Ema) parts.Add("ema");
        if (parts.Count == 1) parts.Add("full");
        return string.Join(", ", parts);
    }
}
