using FineTune.Vision.Models;
using TorchSharp;
using static TorchSharp.torch;
using FineTune.Vision.Weights;

namespace FineTune.Vision.Tests.Models;

/// <summary>Forward shapes, features, pre-logits, train/eval behaviour and classifier reset for tiny models of every family.</summary>
public sealed class ForwardTests
{
    public static TheoryData<string> Families => new(["vit", "deit_distilled", "beit", "swin", "swinv2", "cait"]);

    internal static VisionModel Tiny(string family, Func<ModelConfig, ModelConfig>? change = null)
    {
        change ??= c => c;
        return family switch
        {
            "vit" => new VisionTransformer((VitConfig)change(TinyModels.Vit)),
            "deit_distilled" => new VisionTransformerDistilled((VitConfig)change(TinyModels.Vit)),
            "beit" => new Beit((BeitConfig)change(TinyModels.Beit)),
            "swin" => new SwinTransformer((SwinConfig)change(TinyModels.Swin)),
            "swinv2" => TinyModels.WithUnitPostNorms(new SwinTransformerV2((SwinV2Config)change(TinyModels.SwinV2))),
            "cait" => new Cait((CaitConfig)change(TinyModels.Cait)),
            _ => throw new ArgumentOutOfRangeException(nameof(family)),
        };
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Shapes_of_logits_features_and_pre_logits(string family)
    {
        using var scope = NewDisposeScope();
        using var model = Tiny(family);
        model.eval();
        var x = randn(2, 3, 32, 32);
        var features = model.ForwardFeatures(x);
        long[] expectedFeatures = family switch
        {
            "vit" or "cait" or "beit" => [2, 17, 32],
            "deit_distilled" => [2, 18, 32],
            _ => [2, 8, 8, 32],    // Swin (v1, v2): NHWC after two stages (grid 16 → 8), width 16 * 2
        };
        Assert.Equal(expectedFeatures, features.shape);
        Assert.Equal(new long[] { 2, model.NumFeatures }, model.ForwardHead(features, preLogits: true).shape);
        var logits = model.call(x);
        Assert.Equal(new long[] { 2, 5 }, logits.shape);
        Assert.True(logits.isfinite().all().item<bool>());
        Assert.Equal(logits.data<float>().ToArray(), model.ForwardHead(features).data<float>().ToArray());
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Eval_is_deterministic_and_train_mode_applies_drop_path_and_dropout(string family)
    {
        using var scope = NewDisposeScope();
        using var model = Tiny(family, c => c with { DropPathRate = 0.5, DropRate = 0.5, ProjDropRate = 0.2 });
        var x = randn(4, 3, 32, 32);
        model.eval();
        var a = model.call(x);
        var b = model.call(x);
        Assert.Equal(a.data<float>().ToArray(), b.data<float>().ToArray());
        model.train();
        manual_seed(1);
        var t1 = model.call(x);
        manual_seed(2);
        var t2 = model.call(x);
        Assert.False(t1.allclose(t2), "training-mode outputs should differ between random seeds");
        Assert.False(t1.allclose(a), "training-mode output should differ from eval");
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Reset_classifier_changes_outputs_and_keeps_key_names(string family)
    {
        using var scope = NewDisposeScope();
        using var model = Tiny(family);
        model.eval();
        var keys = model.state_dict().Keys.ToHashSet();
        model.ResetClassifier(7);
        Assert.Equal(7, model.NumClasses);
        Assert.Equal(keys, model.state_dict().Keys.ToHashSet());
        Assert.Equal(new long[] { 3, 7 }, model.call(randn(3, 3, 32, 32)).shape);
        model.ResetClassifier(0);
        Assert.Equal(0, model.NumClasses);
        Assert.Equal(new long[] { 3, model.NumFeatures }, model.call(randn(3, 3, 32, 32)).shape);
        Assert.DoesNotContain(model.state_dict().Keys, k => k.StartsWith("head", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Input_size_mismatch_names_model_and_sizes(string family)
    {
        using var scope = NewDisposeScope();
        using var model = Tiny(family);
        var e = Assert.Throws<ArgumentException>(() => model.call(randn(1, 3, 48, 48)));
        Assert.Contains($"'{model.Name}'", e.Message);
        Assert.Contains("48x48", e.Message);
        Assert.Contains("32x32", e.Message);
        var channels = Assert.Throws<ArgumentException>(() => model.call(randn(1, 1, 32, 32)));
        Assert.Contains("channels 1", channels.Message);
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Converts_to_float64_with_its_buffers(string family)
    {
        using var scope = NewDisposeScope();
        using var model = Tiny(family);
        model.eval();
        var x = randn(2, 3, 32, 32);
        var f32 = model.call(x);
        model.to(float64);
        var f64 = model.call(x.to(float64));
        Assert.Equal(ScalarType.Float64, f64.dtype);
        Assert.True(f64.to(float32).allclose(f32, rtol: 1e-4, atol: 1e-5));
    }

    [Fact]
    public void Distilled_training_returns_both_heads_and_eval_averages_them()
    {
        using var scope = NewDisposeScope();
        using var model = new VisionTransformerDistilled(TinyModels.Vit);
        model.eval();
        var x = randn(2, 3, 32, 32);
        var (logits, dist) = model.ForwardDistilled(x);
        Assert.Equal(new long[] { 2, 5 }, logits.shape);
        Assert.Equal(new long[] { 2, 5 }, dist.shape);
        Assert.False(logits.allclose(dist));
        Assert.True(model.call(x).allclose((logits + dist) / 2, atol: 1e-6));
        var features = model.ForwardFeatures(x);
        var expectedPre = (features.select(1, 0) + features.select(1, 1)) / 2;
        Assert.True(model.ForwardHead(features, preLogits: true).allclose(expectedPre));
    }

    [Fact]
    public void Drop_path_zeroes_or_scales_whole_samples()
    {
        using var scope = NewDisposeScope();
        using var dp = new DropPath(0.5);
        var x = ones(64, 3, 4);
        dp.train();
        manual_seed(3);
        var y = dp.call(x);
        var perSample = y.reshape(64, -1);
        var min = perSample.amin(1);
        var max = perSample.amax(1);
        Assert.True(min.eq(max).all().item<bool>(), "each sample is dropped or kept as a whole");
        var values = max.data<float>().ToArray();
        Assert.All(values, v => Assert.True(v == 0f || v == 2f, $"kept samples are scaled by 1/keep: got {v}"));
        Assert.Contains(0f, values);
        Assert.Contains(2f, values);
        dp.eval();
        Assert.Equal(x.data<float>().ToArray(), dp.call(x).data<float>().ToArray());
    }

    [Fact]
    public void Drop_path_rates_follow_linspace_per_block()
    {
        Assert.Equal([0.0, 0.05, 0.1], VisionTransformer.DropPathRates(0.1, 3).Select(r => Math.Round(r, 12)));
        Assert.Equal([0.0], VisionTransformer.DropPathRates(0.1, 1));
    }
}
