namespace FineTune.Vision.Transforms;

/// <summary>Settings of <see cref="RandomErasing"/>, with timm's defaults (<c>timm.data.random_erasing.RandomErasing</c>).</summary>
public sealed record RandomErasingOptions
{
    /// <summary>Probability that a sample is erased at all (timm <c>probability</c>, the <c>--reprob</c> flag).</summary>
    /// <value>Default: 0.5.</value>
    public double Probability { get; init; } = 0.5;

    /// <summary>Smallest fraction of the image area one erasing covers in total (timm <c>min_area</c>).</summary>
    /// <value>Default: 0.02.</value>
    public double MinArea { get; init; } = 0.02;

    /// <summary>Largest fraction of the image area one erasing covers in total (timm <c>max_area</c>).</summary>
    /// <value>Default: 1/3.</value>
    public double MaxArea { get; init; } = 1.0 / 3.0;

    /// <summary>Smallest height/width ratio of a box (timm <c>min_aspect</c>); ratios are drawn log-uniformly.</summary>
    /// <value>Default: 0.3.</value>
    public double MinAspect { get; init; } = 0.3;

    /// <summary>Largest height/width ratio of a box (timm <c>max_aspect</c>); <c>null</c> means 1 / <see cref="MinAspect"/>.</summary>
    /// <value>Default: <c>null</c>.</value>
    public double? MaxAspect { get; init; }

    /// <summary>What an erased box is filled with (timm <c>mode</c>).</summary>
    /// <value>Default: <see cref="ErasingMode.Const"/>.</value>
    public ErasingMode Mode { get; init; } = ErasingMode.Const;

    /// <summary>Fewest boxes per erased sample (timm <c>min_count</c>); the area is shared among the boxes.</summary>
    /// <value>Default: 1.</value>
    public int MinCount { get; init; } = 1;

    /// <summary>Most boxes per erased sample (timm <c>max_count</c>; the <c>--recount</c> flag); <c>null</c> means <see cref="MinCount"/>.</summary>
    /// <value>Default: <c>null</c>.</value>
    public int? MaxCount { get; init; }

    /// <summary>Checks every setting and throws one exception that lists all the problems.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        List<string> errors = [];
        if (Probability is < 0 or > 1 || double.IsNaN(Probability)) errors.Add($"{nameof(Probability)} must be in [0, 1] (was {Probability}).");
        if (!(MinArea > 0 && MinArea <= MaxArea && MaxArea <= 1))
            errors.Add($"Need 0 < {nameof(MinArea)} <= {nameof(MaxArea)} <= 1 (were {MinArea} and {MaxArea}).");
        double maxAspect = MaxAspect ?? 1.0 / MinAspect;
        if (!(MinAspect > 0 && MinAspect <= maxAspect && double.IsFinite(maxAspect)))
            errors.Add($"Need 0 < {nameof(MinAspect)} <= {nameof(MaxAspect)} (were {MinAspect} and {maxAspect}).");
        if (MinCount < 1) errors.Add($"{nameof(MinCount)} must be >= 1 (was {MinCount}).");
        if (MaxCount is int max && max < MinCount) errors.Add($"{nameof(MaxCount)} must be >= {nameof(MinCount)} (were {max} and {MinCount}).");
        if (!Enum.IsDefined(Mode)) errors.Add($"{nameof(Mode)} {(int)Mode} is not an {nameof(ErasingMode)}.");
        if (errors.Count > 0) throw new ArgumentException($"Invalid {nameof(RandomErasingOptions)}:\n  " + string.Join("\n  ", errors));
    }
}
