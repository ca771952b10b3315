namespace FineTune.Vision.Training;

/// <summary>Options of the LR range test (fastai <c>lr_find</c> defaults).</summary>
public sealed record LrFinderOptions
{
    /// <summary>Rate of the first step. <value>Default: 1e-7.</value></summary>
    public double StartLr { get; init; } = 1e-7;

    /// <summary>Rate the exponential sweep heads for (reached after <see cref="NumSteps"/> steps). <value>Default: 10.</value></summary>
    public double EndLr { get; init; } = 10;

    /// <summary>Steps of the sweep (at least 6, as fastai). <value>Default: 100.</value></summary>
    public int NumSteps { get; init; } = 100;

    /// <summary>Whether to stop once the smoothed loss exceeds 4× its minimum. <value>Default: true.</value></summary>
    public bool StopOnDivergence { get; init; } = true;

    /// <summary>Smoothing factor of the loss (fastai's <c>beta</c>, bias-corrected). <value>Default: 0.98.</value></summary>
    public double Beta { get; init; } = 0.98;

    internal void Validate()
    {
        List<string> errors = [];
        if (!(StartLr > 0)) errors.Add($"{nameof(StartLr)} must be > 0 (was {StartLr}).");
        if (!(EndLr > StartLr) || double.IsInfinity(EndLr)) errors.Add($"{nameof(EndLr)} must be > {nameof(StartLr)} (was {EndLr} vs {StartLr}).");
        if (NumSteps <= 0) errors.Add($"{nameof(NumSteps)} must be > 0 (was {NumSteps}).");
        if (!(Beta is >= 0 and < 1)) errors.Add($"{nameof(Beta)} must be in [0, 1) (was {Beta}).");
        if (errors.Count > 0) throw new ArgumentException($"Invalid {nameof(LrFinderOptions)}:\n  " + string.Join("\n  ", errors));
    }
}
