using FineTune.Vision.Transforms;

namespace FineTune.Vision.Tests.Transforms;

public sealed class RandomErasingTests
{
    private const int C = 3, H = 40, W = 48;

    private static float[] Ones() => Enumerable.Repeat(1f, C * H * W).ToArray();

    /// <summary>The erased pixels (value != 1 in channel 0) and their bounding box.</summary>
    private static (int Count, int Top, int Bottom, int Left, int Right) Erased(float[] chw)
    {
        int count = 0, top = H, bottom = -1, left = W, right = -1;
        for (int y = 0; y < H; y++)
        {
            for (int x = 0; x < W; x++)
            {
                if (chw[y * W + x] == 1f) continue;
                count++;
                (top, bottom, left, right) = (Math.Min(top, y), Math.Max(bottom, y), Math.Min(left, x), Math.Max(right, x));
            }
        }
        return (count, top, bottom + 1, left, right + 1);
    }

    [Fact]
    public void Erases_with_the_given_probability()
    {
        var erasing = new RandomErasing(0.25);
        var rng = new Random(1);
        int erased = 0, n = 2000;
        for (int i = 0; i < n; i++)
        {
            float[] x = Ones();
            erasing.Apply(x, C, H, W, rng);
            if (Erased(x).Count > 0) erased++;
        }
        // 4 standard deviations of a binomial(2000, 0.25); a sample whose 10 tries all fail stays clean (rare).
        Assert.InRange(erased / (double)n, 0.25 - 0.04, 0.25 + 0.01);
    }

    [Fact]
    public void Const_boxes_are_zero_rectangles_within_the_area_and_aspect_ranges()
    {
        var options = new RandomErasingOptions { Probability = 1.0, MinArea = 0.05, MaxArea = 0.3, MinAspect = 0.5 };
        var erasing = new RandomErasing(options);
        var rng = new Random(2);
        var areas = new List<double>();
        for (int i = 0; i < 500; i++)
        {
            float[] x = Ones();
            erasing.Apply(x, C, H, W, rng);
            var (count, top, bottom, left, right) = Erased(x);
            if (count == 0) continue;
            int h = bottom - top, w = right - left;
            Assert.Equal(h * w, count); // one solid rectangle
            for (int c = 0; c < C; c++)
                for (int y = top; y < bottom; y++)
                    for (int xx = left; xx < right; xx++)
                        Assert.Equal(0f, x[(c * H + y) * W + xx]);
            // h = round(sqrt(area·r)), w = round(sqrt(area/r)): allow the rounding of each side.
            Assert.InRange(count, (Math.Sqrt(0.05 * H * W) - 1) * (Math.Sqrt(0.05 * H * W) - 1) * 0.5, 0.3 * H * W * 1.2);
            Assert.InRange(h / (double)w, 0.5 * 0.75, 2.0 / 0.75);
            areas.Add(count / (double)(H * W));
        }
        Assert.True(areas.Count > 450, $"only {areas.Count} of 500 samples were erased with probability 1");
        Assert.InRange(areas.Average(), 0.13, 0.2); // uniform [0.05, 0.3] has mean 0.175; big boxes are rejected more often
    }

    [Fact]
    public void Rand_mode_fills_one_normal_value_per_channel_and_pixel_mode_one_per_pixel()
    {
        var rand = new RandomErasing(new RandomErasingOptions { Probability = 1, Mode = ErasingMode.Rand, MinArea = 0.2, MaxArea = 0.3 });
        var pixel = new RandomErasing(new RandomErasingOptions { Probability = 1, Mode = ErasingMode.Pixel, MinArea = 0.2, MaxArea = 0.3 });
        float[] a = Ones(), b = Ones();
        rand.Apply(a, C, H, W, new Random(3));
        pixel.Apply(b, C, H, W, new Random(3));

        float[][] randValues = Enumerable.Range(0, C).Select(c => a.Skip(c * H * W).Take(H * W).Where(v => v != 1f).Distinct().ToArray()).ToArray();
        Assert.All(randValues, values => Assert.Single(values));
        Assert.Equal(C, randValues.Select(v => v[0]).Distinct().Count());

        float[] noise = b.Where(v => v != 1f).ToArray();
        Assert.True(noise.Length > 0.2 * C * H * W * 0.7);
        double mean = noise.Average(v => (double)v), std = Math.Sqrt(noise.Average(v => (v - mean) * (v - mean)));
        Assert.InRange(mean, -0.1, 0.1);
        Assert.InRange(std, 0.9, 1.1);
    }

    [Fact]
    public void Count_splits_the_area_among_several_boxes()
    {
        RandomErasingOptions one = new() { Probability = 1, MinArea = 0.08, MaxArea = 0.08 };
        var single = new RandomErasing(one);
        var four = new RandomErasing(one with { MinCount = 4, MaxCount = 4 });
        var rng = new Random(4);
        int rectangles = 0;
        for (int i = 0; i < 200; i++)
        {
            float[] x = Ones(), y = Ones();
            single.Apply(x, C, H, W, rng);
            four.Apply(y, C, H, W, rng);
            var (count, top, bottom, left, right) = Erased(y);
            Assert.InRange(Erased(x).Count, 0.08 * H * W * 0.8, 0.08 * H * W * 1.25);
            Assert.InRange(count, 0.02 * H * W * 0.7, 0.08 * H * W * 1.3); // four boxes of 2% each, maybe overlapping
            if (count == (bottom - top) * (right - left)) rectangles++;
        }
        Assert.True(rectangles < 20, $"{rectangles} of 200 four-box erasings formed one rectangle");
    }

    [Fact]
    public void Same_seed_same_result_and_different_seeds_differ()
    {
        var erasing = new RandomErasing(new RandomErasingOptions { Probability = 1, Mode = ErasingMode.Pixel });
        float[] a = Ones(), b = Ones(), c = Ones();
        erasing.Apply(a, C, H, W, new Random(7));
        erasing.Apply(b, C, H, W, new Random(7));
        erasing.Apply(c, C, H, W, new Random(8));
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Invalid_options_are_all_reported_at_once()
    {
        var e = Assert.Throws<ArgumentException>(() => new RandomErasing(new RandomErasingOptions { Probability = 1.5, MinArea = 0.5, MaxArea = 0.2, MinCount = 0 }));
        Assert.Contains("Probability", e.Message);
        Assert.Contains("MinArea", e.Message);
        Assert.Contains("MinCount", e.Message);
    }

    [Fact]
    public void A_buffer_of_the_wrong_length_is_named()
    {
        var e = Assert.Throws<ArgumentException>(() => new RandomErasing(1.0).Apply(new float[10], C, H, W, new Random(0)));
        Assert.Contains($"{C}x{H}x{W}", e.Message);
    }
}
