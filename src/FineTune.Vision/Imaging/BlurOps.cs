namespace FineTune.Vision.Imaging;

/// <summary>
/// Gaussian blur as torchvision's <c>gaussian_blur</c> computes it (float32 kernel from a linspace over the odd
/// kernel size, normalised; reflect padding; result rounded to bytes), done as two separable float passes.
/// </summary>
public static class BlurOps
{
    /// <summary>
    /// Blurs <paramref name="source"/> with an odd <paramref name="kernelWidth"/>x<paramref name="kernelHeight"/>
    /// Gaussian of standard deviations <paramref name="sigmaX"/>, <paramref name="sigmaY"/> (pixels, &gt; 0); returns a new image.
    /// </summary>
    public static RgbImage GaussianBlur(RgbImage source, int kernelWidth, int kernelHeight, double sigmaX, double sigmaY)
    {
        ArgumentNullException.ThrowIfNull(source);
        EnsureOdd(kernelWidth, nameof(kernelWidth));
        EnsureOdd(kernelHeight, nameof(kernelHeight));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sigmaX);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sigmaY);
        float[] kx = Kernel(kernelWidth, sigmaX), ky = Kernel(kernelHeight, sigmaY);
        int w = source.Width, h = source.Height;
        var temp = new float[w * h * 3];
        ReadOnlySpan<byte> src = source.Pixels;
        int rx = kernelWidth / 2, ry = kernelHeight / 2;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int c = 0; c < 3; c++)
                {
                    float acc = 0;
                    for (int i = 0; i < kx.Length; i++) acc += kx[i] * src[(y * w + Reflect(x + i - rx, w)) * 3 + c];
                    temp[(y * w + x) * 3 + c] = acc;
                }
        var result = new RgbImage(w, h);
        Span<byte> dst = result.Pixels;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w * 3; x++)
            {
                float acc = 0;
                for (int i = 0; i < ky.Length; i++) acc += ky[i] * temp[Reflect(y + i - ry, h) * w * 3 + x];
                dst[y * w * 3 + x] = (byte)Math.Clamp(MathF.Round(acc, MidpointRounding.ToEven), 0f, 255f);
            }
        return result;
    }

    /// <summary>torchvision's <c>_get_gaussian_kernel1d</c>: exp(−x²/2σ²) at linspace(−k/2, k/2, k), normalised, in float32.</summary>
    internal static float[] Kernel(int size, double sigma)
    {
        var k = new float[size];
        float half = (size - 1) * 0.5f, sum = 0;
        for (int i = 0; i < size; i++)
        {
            float x = size == 1 ? 0f : -half + i * (2 * half / (size - 1));
            k[i] = MathF.Exp(-0.5f * (x / (float)sigma) * (x / (float)sigma));
            sum += k[i];
        }
        for (int i = 0; i < size; i++) k[i] /= sum;
        return k;
    }

    private static int Reflect(int i, int n)
    {
        if (n == 1) return 0;
        int period = 2 * n - 2;
        int m = ((i % period) + period) % period;
        return m < n ? m : period - m;
    }

    private static void EnsureOdd(int size, string name)
    {
        if (size <= 0 || size % 2 == 0)
            throw new ArgumentOutOfRangeException(name, size, "Gaussian kernel sizes must be positive and odd (e.g. 3, 5, 23).");
    }
}
