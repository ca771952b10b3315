namespace FineTune.Vision.Transforms;

public sealed partial class MixupCutMix
{
    /// <summary>The draw for one element: its final λ and, for CutMix, the box pasted from its partner.</summary>
    internal readonly record struct MixDraw(double Lambda, CutBox? Box);

    /// <summary>A CutMix box, rows [Top, Bottom) and columns [Left, Right).</summary>
    internal readonly record struct CutBox(int Top, int Bottom, int Left, int Right)
    {
        public bool IsEmpty => Bottom <= Top || Right <= Left;
        public int Area => Math.Max(0, Bottom - Top) * Math.Max(0, Right - Left);
    }

    /// <summary>All random draws for a batch of <paramref name="batch"/> images of <paramref name="height"/>x<paramref name="width"/>.</summary>
    internal MixDraw[] Draw(int batch, int height, int width, Random rng)
    {
        var draws = new MixDraw[batch];
        switch (Options.Mode)
        {
            case MixMode.Batch:
                Array.Fill(draws, Resolve(DrawBatch(rng), height, width, rng));
                break;
            case MixMode.Elem:
                (double Lambda, bool CutMix)[] perElem = DrawElements(batch, rng);
                for (int i = 0; i < batch; i++) draws[i] = Resolve(perElem[i], height, width, rng);
                break;
            default:
                Array.Fill(draws, new MixDraw(1.0, null));
                (double Lambda, bool CutMix)[] perPair = DrawElements(batch / 2, rng);
                for (int i = 0; i < batch / 2; i++) draws[i] = draws[batch - 1 - i] = Resolve(perPair[i], height, width, rng);
                break;
        }
        return draws;
    }

    /// <summary>Turns (λ, use CutMix) into a draw: λ = 1 means unmixed; CutMix draws a box and may correct λ.</summary>
    private MixDraw Resolve((double Lambda, bool CutMix) p, int height, int width, Random rng)
    {
        if (p.Lambda == 1.0) return new MixDraw(1.0, null);
        if (!p.CutMix) return new MixDraw(p.Lambda, null);
        CutBox box = Options.CutMixMinMax is (double min, double max)
            ? BoxMinMax(height, width, min, max, rng)
            : BoxFromLambda(height, width, p.Lambda, rng);
        bool correct = Options.CorrectLambda || Options.CutMixMinMax is not null;
        double lambda = correct ? 1.0 - box.Area / ((double)height * width) : p.Lambda;
        return new MixDraw(lambda, box);
    }

    /// <summary>timm <c>_params_per_batch</c>.</summary>
    private (double Lambda, bool CutMix) DrawBatch(Random rng)
    {
        if (!Enabled || !(rng.NextDouble() < Options.Probability)) return (1.0, false);
        if (Options.MixupAlpha > 0 && _cutMixAlpha > 0)
        {
            bool cut = rng.NextDouble() < Options.SwitchProbability;
            double alpha = cut ? _cutMixAlpha : Options.MixupAlpha;
            return (rng.Beta(alpha, alpha), cut);
        }
        return Options.MixupAlpha > 0
            ? (rng.Beta(Options.MixupAlpha, Options.MixupAlpha), false)
            : (rng.Beta(_cutMixAlpha, _cutMixAlpha), true);
    }

    /// <summary>timm <c>_params_per_elem</c>: the switch, then λ, then whether to mix at all, per element.</summary>
    private (double Lambda, bool CutMix)[] DrawElements(int count, Random rng)
    {
        var result = new (double Lambda, bool CutMix)[count];
        if (!Enabled)
        {
            Array.Fill(result, (1.0, false));
            return result;
        }
        bool both = Options.MixupAlpha > 0 && _cutMixAlpha > 0;
        for (int i = 0; i < count; i++)
        {
            bool cut = both ? rng.NextDouble() < Options.SwitchProbability : Options.MixupAlpha <= 0;
            double alpha = cut ? _cutMixAlpha : Options.MixupAlpha;
            result[i] = (rng.Beta(alpha, alpha), cut);
        }
        for (int i = 0; i < count; i++)
        {
            if (!(rng.NextDouble() < Options.Probability)) result[i] = (1.0, result[i].CutMix);
        }
        return result;
    }

    /// <summary>timm <c>rand_bbox</c> (no margin): a box of sides ⌊side·√(1−λ)⌋ centred uniformly, clipped to the image.</summary>
    private static CutBox BoxFromLambda(int height, int width, double lambda, Random rng)
    {
        double ratio = Math.Sqrt(1.0 - lambda);
        int cutH = (int)(height * ratio), cutW = (int)(width * ratio);
        int cy = rng.Next(0, height), cx = rng.Next(0, width);
        return new CutBox(
            Math.Clamp(cy - cutH / 2, 0, height), Math.Clamp(cy + cutH / 2, 0, height),
            Math.Clamp(cx - cutW / 2, 0, width), Math.Clamp(cx + cutW / 2, 0, width));
    }

    /// <summary>timm <c>rand_bbox_minmax</c>: sides drawn from [⌊side·min⌋, ⌊side·max⌋), placed uniformly inside the image.</summary>
    private static CutBox BoxMinMax(int height, int width, double min, double max, Random rng)
    {
        int lowH = (int)(height * min), highH = (int)(height * max), lowW = (int)(width * min), highW = (int)(width * max);
        if (highH <= lowH || highW <= lowW)
            throw new ArgumentException(
                $"CutMixMinMax ({min}, {max}) gives no box side range for {height}x{width} images " +
                $"(heights [{lowH}, {highH}), widths [{lowW}, {highW}) are empty); widen the range or use larger images.");
        int cutH = rng.Next(lowH, highH), cutW = rng.Next(lowW, highW);
        int top = rng.Next(0, height - cutH), left = rng.Next(0, width - cutW);
        return new CutBox(top, top + cutH, left, left + cutW);
    }
}
