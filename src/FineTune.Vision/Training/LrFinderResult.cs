namespace FineTune.Vision.Training;

/// <summary>The outcome of an LR range test: the sweep, the smoothed losses and fastai's suggestions.</summary>
public sealed class LrFinderResult
{
    internal LrFinderResult(double[] lrs, double[] losses, int numSteps, string? stopReason)
    {
        (Lrs, Losses, StopReason) = (lrs, losses, stopReason);
        var (l, y) = LrSuggestions.Trim(lrs, losses, numSteps);
        ValleyPoint = LrSuggestions.Valley(l, y);
        SteepPoint = LrSuggestions.Steep(l, y);
        MinimumPoint = LrSuggestions.Minimum(l, y);
    }

    /// <summary>The rate of each step.</summary>
    public IReadOnlyList<double> Lrs { get; }

    /// <summary>The smoothed (bias-corrected) loss after each step.</summary>
    public IReadOnlyList<double> Losses { get; }

    /// <summary>Why the sweep ended early (divergence), or null when it ran all its steps.</summary>
    public string? StopReason { get; }

    /// <summary>fastai's default suggestion (<c>valley</c>).</summary>
    public double Valley => ValleyPoint.Lr;

    /// <summary>The steepest descent (<c>steep</c>).</summary>
    public double Steep => SteepPoint.Lr;

    /// <summary>A tenth of the rate of the lowest loss (<c>minimum</c>).</summary>
    public double MinimumDiv10 => MinimumPoint.Lr / 10;

    /// <summary>The valley point (rate, loss).</summary>
    public (double Lr, double Loss) ValleyPoint { get; }

    /// <summary>The steepest point (rate, loss).</summary>
    public (double Lr, double Loss) SteepPoint { get; }

    /// <summary>The lowest-loss point (rate, loss).</summary>
    public (double Lr, double Loss) MinimumPoint { get; }
}
