using FineTune.Vision.Adaptation;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Tests.Adaptation;

public sealed class HeadTests
{
    [Theory]
    [InlineData("vit", HeadKind.ConcatPool)]
    [InlineData("swin", HeadKind.ConcatPool)]
    [InlineData("swinv2", HeadKind.ConcatPool)]
    [InlineData("cait", HeadKind.Mlp)]
    [InlineData("deit", HeadKind.Linear)]
    public void Headed_models_give_logits_of_the_new_class_count(string family, HeadKind kind)
    {
        using var scope = NewDisposeScope();
        using var model = new HeadedModel(AdaptationModels.Create(family), new HeadOptions { Kind = kind, HiddenFeatures = 16 }, numClasses: 3);
        var x = AdaptationModels.Input(4);
        Assert.Equal([4L, 3], AdaptationModels.Logits(model, x).shape);
        using (no_grad()) Assert.Equal([4L, 32], model.ForwardHead(model.ForwardFeatures(x), preLogits: true).shape);
        Assert.Equal(3, model.NumClasses);
        Assert.All(model.Module.state_dict().Keys, k => Assert.True(k.StartsWith("backbone.") || k.StartsWith("head."), k));
        model.ResetClassifier(6);
        Assert.Equal([4L, 6], AdaptationModels.Logits(model, x).shape);
    }

    [Theory]
    [InlineData("swin")]
    [InlineData("swinv2")]
    public void Swin_maps_have_no_prefix_tokens_for_concat_pooling(string family)
    {
        using var model = new HeadedModel(AdaptationModels.Create(family), new HeadOptions { Kind = HeadKind.ConcatPool, HiddenFeatures = 16 }, numClasses: 3);
        Assert.Equal(0, model.PrefixTokens);
    }

    [Fact]
    public void Concat_pool_head_follows_fastai_layout_and_train_eval_behaviour()
    {
        using var scope = NewDisposeScope();
        manual_seed(0);
        using var head = new ConcatPoolHead(8, 5, hiddenFeatures: 12, ps: 0.5, prefixTokens: 1);
        var shapes = head.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        Assert.Equal([16L], shapes["bn1.weight"]);
        Assert.Equal([12L, 16], shapes["fc1.weight"]);
        Assert.Equal([5L, 12], shapes["fc2.weight"]);
        Assert.DoesNotContain("fc1.bias", shapes.Keys);    // fastai: bias = not bn
        Assert.DoesNotContain("fc2.bias", shapes.Keys);
        var tokens = randn(6, 10, 8);
        head.eval();
        var a = head.call(tokens);
        Assert.Equal(0, (a - head.call(tokens)).abs().max().item<float>());
        var changed = tokens.clone();
        changed[.., 0] = 100;    // the class token is not pooled
        Assert.Equal(0, (a - head.call(changed)).abs().max().item<float>());
        head.train();
        var runningBefore = head.named_buffers().Single(b => b.name == "bn1.running_mean").buffer.clone();
        var t1 = head.call(tokens);
        Assert.True((t1 - head.call(tokens)).abs().max().item<float>() > 0, "dropout is active in training");
        Assert.True((head.named_buffers().Single(b => b.name == "bn1.running_mean").buffer - runningBefore).abs().max().item<float>() > 0);
        var manual = cat([tokens.narrow(1, 1, 9).amax([1]), tokens.narrow(1, 1, 9).mean([1])], 1);
        head.eval();
        var bn1 = (BatchNorm1d)head.named_children().Single(c => c.name == "bn1").module;
        var fc1 = (Linear)head.named_children().Single(c => c.name == "fc1").module;
        var fc2 = (Linear)head.named_children().Single(c => c.name == "fc2").module;
        var bn2 = (BatchNorm1d)head.named_children().Single(c => c.name == "bn2").module;
        var expected = fc2.call(bn2.call(fc1.call(bn1.call(manual)).relu()));
        Assert.True((head.call(tokens) - expected).abs().max().item<float>() < 1e-5);
    }

    [Fact]
    public void Init_scale_scales_the_classifier()
    {
        manual_seed(5);
        using var plain = new LinearHead(16, 4);
        manual_seed(5);
        using var scaled = new LinearHead(16, 4, initScale: 0.001);
        Assert.True((scaled.Classifier.weight! - plain.Classifier.weight! * 0.001).abs().max().item<float>() < 1e-9);
    }

    [Fact]
    public void The_head_gets_the_head_learning_rate_group()
    {
        using var model = new HeadedModel(AdaptationModels.Create("beit"), new HeadOptions { Kind = HeadKind.ConcatPool, HiddenFeatures = 8 }, 3);
        Assert.Equal("head", model.LayerGroups[^1].Name);
        Assert.Equal("stem", model.LayerGroups[0].Name);
        var groups = LayerParameterGroups.Discriminative(model, 1e-4, 1e-2);
        var headNames = groups.Where(g => g.Name.StartsWith("head")).SelectMany(g => g.Parameters.Select(p => p.Name)).ToHashSet();
        Assert.Superset(model.Head.named_parameters().Select(p => "head." + p.name).ToHashSet(), headNames);
        Assert.All(headNames.Where(n => !n.StartsWith("head.")), n => Assert.StartsWith("backbone.fc_norm.", n));    // timm keeps fc_norm with the head
        Assert.All(groups.Where(g => g.Name.StartsWith("head")), g => Assert.Equal(1.0, g.LrScale));
        Assert.Equal(0.01, groups.First(g => g.Name == "stem").LrScale, 12);
        Assert.Contains(groups.Single(g => g.Name == "stem/no_decay").Parameters, p => p.Name == "backbone.cls_token");
        new Freezer(model).HeadOnly();
        Assert.All(model.Module.named_parameters(), p => Assert.Equal(headNames.Contains(p.name), p.parameter.requires_grad));
    }
}
