using FineTune.Vision.Transforms;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Tests.Transforms;

public sealed class MixupCutMixTests
{
    private const int K = 10, H = 16, W = 20;

    /// <summary>A batch whose sample i is filled with the value i, and labels i mod K.</summary>
    private static (Tensor Images, Tensor Labels) Batch(int b, ScalarType dtype = ScalarType.Float32)
    {
        Tensor images = arange(b, dtype: ScalarType.Float32).view(-1, 1, 1, 1).expand(b, 3, H, W).contiguous().to(dtype);
        Tensor labels = arange(b, dtype: ScalarType.Int64).remainder(K);
        return (images, labels);
    }

    private static float[,] Rows(Tensor t)
    {
        float[] flat = t.data<float>().ToArray();
        int cols = (int)t.shape[1];
        var rows = new float[flat.Length / cols, cols];
        Buffer.BlockCopy(flat, 0, rows, 0, flat.Length * sizeof(float));
        return rows;
    }

    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    private static float[] Sample(Tensor images, int i) => images[i].to(ScalarType.Float32).data<float>().ToArray();

    [Theory]
    [InlineData(MixMode.Batch, 8)]
    [InlineData(MixMode.Pair, 8)]
    [InlineData(MixMode.Elem, 8)]
    [InlineData(MixMode.Batch, 7)]
    [InlineData(MixMode.Pair, 7)]
    [InlineData(MixMode.Elem, 7)]
    public void Mixup_pixels_are_lambda_blends_with_the_flipped_partner_and_targets_sum_to_one(MixMode mode, int b)
    {
        using var scope = NewDisposeScope();
        var mix = new MixupCutMix(new MixupCutMixOptions { MixupAlpha = 0.8, NumClasses = K, Mode = mode, LabelSmoothing = 0.1 });
        var (images, labels) = Batch(b);
        Tensor targets = mix.Apply(images, labels, new Random(11), out double[] lam);

        Assert.Equal(new long[] { b, K }, targets.shape);
        Assert.True(targets.sum(1).allclose(ones(b), rtol: 0, atol: 1e-5));
        for (int i = 0; i < b; i++)
        {
            double expected = lam[i] * i + (1 - lam[i]) * (b - 1 - i);
            Assert.All(Sample(images, i), v => Assert.Equal(expected, v, 1e-4));
        }
        if (mode == MixMode.Pair)
        {
            for (int i = 0; i < b; i++) Assert.Equal(lam[i], lam[b - 1 - i]);
            if (b % 2 == 1) Assert.Equal(1.0, lam[b / 2]);
        }
        if (mode != MixMode.Batch) Assert.True(lam.Distinct().Count() > 2, "per-element draws should differ within a batch");
        else Assert.Single(lam.Distinct());
    }

    [Fact]
    public void Targets_follow_timms_mixup_target_formula()
    {
        using var scope = NewDisposeScope();
        const double eps = 0.1, off = eps / K, on = 1 - eps + off;
        var mix = new MixupCutMix(new MixupCutMixOptions { MixupAlpha = 1.0, NumClasses = K, Mode = MixMode.Elem, LabelSmoothing = eps });
        var (images, labels) = Batch(6);
        float[,] t = Rows(mix.Apply(images, labels, new Random(5), out double[] lam));
        long[] y = labels.data<long>().ToArray();
        for (int i = 0; i < 6; i++)
        {
            for (int k = 0; k < K; k++)
            {
                double own = y[i] == k ? on : off, partner = y[5 - i] == k ? on : off;
                Assert.Equal(lam[i] * own + (1 - lam[i]) * partner, t[i, k], 1e-6);
            }
        }
    }

    [Fact]
    public void Disabled_mixing_gives_smoothed_one_hot_targets_and_untouched_images()
    {
        using var scope = NewDisposeScope();
        var mix = new MixupCutMix(new MixupCutMixOptions { MixupAlpha = 0.8, CutMixAlpha = 1.0, NumClasses = K }) { Enabled = false };
        var (images, labels) = Batch(4);
        Tensor before = images.clone();
        float[,] t = Rows(mix.Apply(images, labels, new Random(1)));
        Assert.True(Same(images, before));
        for (int i = 0; i < 4; i++)
            for (int k = 0; k < K; k++)
                Assert.Equal(k == i ? 1 - 0.1 + 0.01 : 0.01, t[i, k], 1e-6);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void CutMix_pastes_the_partners_box_and_corrected_lambda_is_the_kept_area(bool correct)
    {
        using var scope = NewDisposeScope();
        var mix = new MixupCutMix(new MixupCutMixOptions { MixupAlpha = 0, CutMixAlpha = 1.0, NumClasses = K, Mode = MixMode.Elem, CorrectLambda = correct });
        int differs = 0;
        for (int seed = 0; seed < 20; seed++)
        {
            var (images, labels) = Batch(8);
            mix.Apply(images, labels, new Random(seed), out double[] lam);
            for (int i = 0; i < 8; i++)
            {
                float[] px = Sample(images, i);
                Assert.All(px, v => Assert.True(v == i || v == 7 - i));
                double kept = px.Count(v => v == i) / (double)px.Length;
                if (correct) Assert.Equal(kept, lam[i], 1e-9);
                else if (Math.Abs(kept - lam[i]) > 1e-3) differs++;
            }
        }
        if (!correct) Assert.True(differs > 20, $"uncorrected λ matched the kept area in all but {differs} of 160 elements");
    }

    [Fact]
    public void CutMix_minmax_boxes_have_sides_in_range()
    {
        using var scope = NewDisposeScope();
        var mix = new MixupCutMix(new MixupCutMixOptions { MixupAlpha = 0, CutMixMinMax = (0.3, 0.8), NumClasses = K, Mode = MixMode.Elem });
        var (images, labels) = Batch(8);
        mix.Apply(images, labels, new Random(3), out double[] lam);
        for (int i = 0; i < 8; i++)
        {
            float[] channel = Sample(images, i).Take(H * W).ToArray();
            int[] rows = Enumerable.Range(0, H).Where(y => Enumerable.Range(0, W).Any(x => channel[y * W + x] != i)).ToArray();
            int[] cols = Enumerable.Range(0, W).Where(x => Enumerable.Range(0, H).Any(y => channel[y * W + x] != i)).ToArray();
            Assert.InRange(rows.Length, (int)(H * 0.3), (int)(H * 0.8) - 1);
            Assert.InRange(cols.Length, (int)(W * 0.3), (int)(W * 0.8) - 1);
            Assert.Equal(1.0 - rows.Length * cols.Length / (double)(H * W), lam[i], 1e-9);
        }
    }

    [Fact]
    public void Probability_and_switch_probability_hold_over_many_batches()
    {
        var mix = new MixupCutMix(new MixupCutMixOptions { MixupAlpha = 0.8, CutMixAlpha = 1.0, Probability = 0.5, SwitchProbability = 0.5, NumClasses = K });
        var rng = new Random(9);
        int mixed = 0, cut = 0, n = 1000;
        for (int i = 0; i < n; i++)
        {
            MixupCutMix.MixDraw d = mix.Draw(4, H, W, rng)[0];
            if (d.Lambda == 1.0) continue;
            mixed++;
            if (d.Box is not null) cut++;
        }
        Assert.InRange(mixed / (double)n, 0.45, 0.55);
        Assert.InRange(cut / (double)mixed, 0.42, 0.58);
    }

    [Fact]
    public void Odd_batch_middle_element_keeps_its_pixels_and_target()
    {
        using var scope = NewDisposeScope();
        foreach (MixMode mode in Enum.GetValues<MixMode>())
        {
            var mix = new MixupCutMix(new MixupCutMixOptions { MixupAlpha = 1.0, CutMixAlpha = 1.0, NumClasses = K, Mode = mode, LabelSmoothing = 0 });
            var (images, labels) = Batch(5);
            float[,] t = Rows(mix.Apply(images, labels, new Random(2)));
            Assert.All(Sample(images, 2), v => Assert.Equal(2f, v, 1e-5f));
            Assert.Equal(1.0, t[2, 2], 1e-6);
        }
    }

    [Fact]
    public void Uint8_batches_are_blended_with_rounding()
    {
        using var scope = NewDisposeScope();
        var mix = new MixupCutMix(new MixupCutMixOptions { MixupAlpha = 1.0, NumClasses = K });
        var (images, labels) = Batch(4, ScalarType.Byte);
        mix.Apply(images, labels, new Random(4), out double[] lam);
        Assert.Equal(ScalarType.Byte, images.dtype);
        Assert.All(Sample(images, 0), v => Assert.Equal(Math.Round((float)lam[0] * 0 + (1 - (float)lam[0]) * 3), v));
    }

    [Fact]
    public void Same_seed_same_batch_and_successive_batches_differ()
    {
        using var scope = NewDisposeScope();
        var mix = new MixupCutMix(new MixupCutMixOptions { MixupAlpha = 0.8, CutMixAlpha = 1.0, NumClasses = K, Mode = MixMode.Elem });
        var (a, la) = Batch(6);
        var (b, lb) = Batch(6);
        var (c, lc) = Batch(6);
        var rng = new Random(21);
        Tensor ta = mix.Apply(a, la, new Random(21)), tb = mix.Apply(b, lb, rng), tc = mix.Apply(c, lc, rng);
        Assert.True(Same(a, b) && Same(ta, tb));
        Assert.False(Same(b, c));
    }

    [Fact]
    public void Bad_inputs_are_reported_with_their_shapes()
    {
        using var scope = NewDisposeScope();
        var mix = new MixupCutMix(new MixupCutMixOptions { NumClasses = K });
        var rng = new Random(0);
        var e = Assert.Throws<ArgumentException>(() => mix.Apply(zeros(2, 3, 4), zeros(2, dtype: ScalarType.Int64), rng));
        Assert.Contains("[2, 3, 4]", e.Message);
        e = Assert.Throws<ArgumentException>(() => mix.Apply(zeros(4, 3, 8, 8), zeros(3, dtype: ScalarType.Int64), rng));
        Assert.Contains("[4]", e.Message);
        Assert.Contains("[3]", e.Message);
        e = Assert.Throws<ArgumentException>(() => mix.Apply(zeros(2, 3, 8, 8), zeros(2, K), rng));
        Assert.Contains("[2, 10]", e.Message);
        e = Assert.Throws<ArgumentException>(() => mix.Apply(zeros(2, 3, 8, 8), tensor(new long[] { 0, K }), rng));
        Assert.Contains("[0, 10)", e.Message);
        e = Assert.Throws<ArgumentException>(() => new MixupCutMix(new MixupCutMixOptions { MixupAlpha = 0, Probability = 2 }));
        Assert.Contains("NumClasses", e.Message);
        Assert.Contains("Nothing to do", e.Message);
        Assert.Contains("Probability", e.Message);
    }

    [Fact]
    public void Beta_draws_have_the_right_mean_and_variance()
    {
        var rng = new Random(17);
        foreach (double alpha in new[] { 0.2, 0.8, 1.0, 2.5 })
        {
            double[] x = Enumerable.Range(0, 20000).Select(_ => rng.Beta(alpha, alpha)).ToArray();
            double mean = x.Average(), variance = x.Average(v => (v - mean) * (v - mean));
            Assert.All(x, v => Assert.InRange(v, 0.0, 1.0));
            Assert.InRange(mean, 0.49, 0.51);
            Assert.InRange(variance, 0.25 / (2 * alpha + 1) * 0.95, 0.25 / (2 * alpha + 1) * 1.05);
        }
    }
}
