namespace FineTune.Vision.Training;

/// <summary>
/// fastai's learning-rate suggestions from an LR range test (<c>fastai.callback.schedule</c>: <c>valley</c>,
/// <c>steep</c>, <c>minimum</c>), computed on the recorded rates and smoothed losses after dropping the first
/// tenth of the sweep and the last five points, and everything from the first NaN on.
/// </summary>
public static class LrSuggestions
{
    /// <summary>The points the suggestions use: <c>[numSteps / 10 .. −5]</c>, cut at the first NaN.</summary>
    public static (double[] Lrs, double[] Losses) Trim(IReadOnlyList<double> lrs, IReadOnlyList<double> losses, int numSteps)
    {
        ArgumentNullException.ThrowIfNull(lrs);
        ArgumentNullException.ThrowIfNull(losses);
        int start = numSteps / 10, end = Math.Max(start, losses.Count - 5);
        var l = lrs.Take(end).Skip(start).ToList();
        var y = losses.Take(end).Skip(start).ToList();
        int nan = y.FindIndex(double.IsNaN);
        if (nan >= 0) (l, y) = (l.Take(nan).ToList(), y.Take(nan).ToList());
        return ([.. l], [.. y]);
    }

    /// <summary>fastai <c>valley</c>: the middle-ish point of the longest decreasing run of the loss.</summary>
    public static (double Lr, double Loss) Valley(IReadOnlyList<double> lrs, IReadOnlyList<double> losses)
    {
        int n = losses.Count;
        if (n == 0) return (double.NaN, double.NaN);
        int maxStart = 0, maxEnd = 0;
        var lds = Enumerable.Repeat(1, n).ToArray();
        for (int i = 1; i < n; i++)
        {
            for (int j = 0; j < i; j++)
            {
                if (losses[i] < losses[j] && lds[i] < lds[j] + 1) lds[i] = lds[j] + 1;
                if (lds[maxEnd] < lds[i])
                {
                    maxEnd = i;
                    maxStart = maxEnd - lds[maxEnd];
                }
            }
        }
        double sections = (maxEnd - maxStart) / 3.0;
        // fastai's start can be -1 when the loss falls from the first point on (Python wraps it); a short sweep then gives -1 too.
        int idx = Math.Clamp(maxStart + (int)sections + (int)(sections / 2), 0, n - 1);
        return (lrs[idx], losses[idx]);
    }

    /// <summary>fastai <c>steep</c>: where the loss falls fastest against log(lr).</summary>
    public static (double Lr, double Loss) Steep(IReadOnlyList<double> lrs, IReadOnlyList<double> losses)
    {
        if (losses.Count < 2) return (double.NaN, double.NaN);
        int best = 0;
        double bestGrad = double.PositiveInfinity;
        for (int i = 0; i + 1 < losses.Count; i++)
        {
            double g = (losses[i + 1] - losses[i]) / (Math.Log(lrs[i + 1]) - Math.Log(lrs[i]));
            if (g < bestGrad) (bestGrad, best) = (g, i);
        }
        return (lrs[best], losses[best]);
    }

    /// <summary>fastai <c>minimum</c>: the rate of the lowest loss; the suggestion is a tenth of it.</summary>
    public static (double Lr, double Loss) Minimum(IReadOnlyList<double> lrs, IReadOnlyList<double> losses)
    {
        if (losses.Count == 0) return (double.NaN, double.NaN);
        int idx = 0;
        for (int i = 1; i < losses.Count; i++) if (losses[i] < losses[idx]) idx = i;
        return (lrs[idx], losses[idx]);
    }
}
