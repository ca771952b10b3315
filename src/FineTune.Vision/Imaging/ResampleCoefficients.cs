namespace FineTune.Vision.Imaging;

/// <summary>
/// Precomputed fixed-point filter weights for one axis of a convolution resize, as Pillow's
/// <c>ImagingResample</c> computes them: the filter's support is scaled by the downscale factor (antialiasing),
/// each output sample's taps are normalised to sum to one, then rounded to <see cref="PrecisionBits"/> bits.
/// </summary>
internal sealed class ResampleCoefficients
{
    /// <summary>Fixed-point fraction bits: 32 − 8 (result) − 2 (headroom for negative lobes and overshoot).</summary>
    public const int PrecisionBits = 22;

    private ResampleCoefficients(int[] start, int[] count, int[] weights, int taps)
    {
        Start = start;
        Count = count;
        Weights = weights;
        Taps = taps;
    }

    /// <summary>First source index read by each output sample.</summary>
    public int[] Start { get; }

    /// <summary>Number of source samples read by each output sample.</summary>
    public int[] Count { get; }

    /// <summary>Weights, <see cref="Taps"/> per output sample (only the first <see cref="Count"/> are used).</summary>
    public int[] Weights { get; }

    /// <summary>Row length of <see cref="Weights"/>.</summary>
    public int Taps { get; }

    /// <summary>Coefficients mapping <paramref name="inSize"/> samples onto <paramref name="outSize"/>.</summary>
    public static ResampleCoefficients Create(int inSize, int outSize, Interpolation filter)
    {
        double support = filter == Interpolation.Bicubic ? 2.0 : 1.0;
        double scale = (double)inSize / outSize;
        double filterScale = Math.Max(scale, 1.0);
        support *= filterScale;
        int taps = (int)Math.Ceiling(support) * 2 + 1;
        var start = new int[outSize];
        var count = new int[outSize];
        var weights = new int[outSize * taps];
        Span<double> k = taps <= 256 ? stackalloc double[taps] : new double[taps];
        double invScale = 1.0 / filterScale;
        for (int o = 0; o < outSize; o++)
        {
            double center = (o + 0.5) * scale;
            int min = Math.Max((int)(center - support + 0.5), 0);
            int n = Math.Min((int)(center + support + 0.5), inSize) - min;
            double sum = 0;
            for (int i = 0; i < n; i++)
            {
                k[i] = Kernel(filter, (i + min - center + 0.5) * invScale);
                sum += k[i];
            }
            Span<int> row = weights.AsSpan(o * taps, taps);
            for (int i = 0; i < n; i++)
            {
                double w = sum != 0.0 ? k[i] / sum : k[i];
                row[i] = w < 0 ? (int)(-0.5 + w * (1 << PrecisionBits)) : (int)(0.5 + w * (1 << PrecisionBits));
            }
            start[o] = min;
            count[o] = n;
        }
        return new ResampleCoefficients(start, count, weights, taps);
    }

    private static double Kernel(Interpolation filter, double x)
    {
        x = Math.Abs(x);
        if (filter == Interpolation.Bilinear) return x < 1.0 ? 1.0 - x : 0.0;
        const double a = -0.5;
        if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
        return 0.0;
    }
}
