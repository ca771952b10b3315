using FineTune.Vision.Adaptation;
using FineTune.Vision.Optim;
using static TorchSharp.torch;

namespace FineTune.Vision.Tests.Adaptation;

public sealed class FreezerTests
{
    private static HashSet<string> Trainable(FineTune.Vision.Models.IVisionModel m) =>
        m.Module.named_parameters().Where(p => p.parameter.requires_grad).Select(p => p.name).ToHashSet();

    [Fact]
    public void Head_only_last_blocks_and_freeze_to_follow_the_layer_groups()
    {
        using var model = AdaptationModels.Create("vit");
        var freezer = new Freezer(model);
        Assert.Equal(["stem", "blocks.0", "blocks.1", "norm", "head"], freezer.Groups.Select(g => g.Name));
        freezer.HeadOnly();
        Assert.Equal(new HashSet<string> { "head.weight", "head.bias" }, Trainable(model));
        Assert.Equal(4, freezer.FirstTrainableGroup);
        freezer.UnfreezeLastBlocks(1);
        Assert.Equal(2, freezer.FirstTrainableGroup);
        Assert.DoesNotContain("blocks.0.attn.qkv.weight", Trainable(model));
        Assert.Contains("blocks.1.attn.qkv.weight", Trainable(model));
        Assert.Contains("norm.weight", Trainable(model));
        freezer.FreezeTo(-3);    // fastai: the last three groups train
        Assert.Equal(2, freezer.FirstTrainableGroup);
        freezer.UnfreezeAll();
        Assert.Equal(model.Module.named_parameters().Count(), Trainable(model).Count);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => freezer.FreezeTo(6));
        Assert.Contains("5 layer groups", e.Message);
    }

    [Fact]
    public void Patterns_train_norms_and_report()
    {
        using var model = AdaptationModels.Create("swin");
        var freezer = new Freezer(model, new FreezeOptions { TrainNorms = true });
        freezer.FreezeAll();
        Assert.All(Trainable(model), n => Assert.Contains("norm", n));
        Assert.Contains("layers.0.blocks.0.norm1.weight", Trainable(model));
        int n = freezer.Unfreeze("layers.1.blocks.*.attn.qkv");
        Assert.Equal(4, n);    // weight and bias of two blocks
        Assert.Equal(2, freezer.Freeze(NamePattern.Regex(@"layers\.1\.blocks\.0\.attn\.qkv\.(weight|bias)")));
        var report = freezer.Report();
        Assert.Equal(model.Module.parameters().Sum(p => p.numel()), report.Total);
        Assert.Equal(model.Module.parameters().Where(p => p.requires_grad).Sum(p => p.numel()), report.Trainable);
        Assert.Equal(report.Total, report.Groups.Sum(g => g.Total));
        string text = report.ToString();
        Assert.StartsWith("trainable params: ", text);
        Assert.Contains("layers.1.blocks.1", text);
        Assert.Throws<ArgumentException>(() => freezer.Unfreeze("no.such.module"));
    }

    [Fact]
    public void Name_patterns_match_globs_suffixes_and_module_prefixes()
    {
        NamePattern qkv = "qkv", glob = "blocks.?.attn.*", regex = NamePattern.Regex(@"blocks\.\d+\.mlp\..*");
        Assert.True(qkv.IsMatch("blocks.0.attn.qkv"));
        Assert.False(qkv.IsMatch("blocks.0.attn.qkv_x"));
        Assert.True(glob.IsMatch("blocks.3.attn.proj.weight"));
        Assert.False(glob.IsMatch("blocks.12.attn.proj.weight"));
        Assert.True(regex.IsMatch("blocks.12.mlp.fc1.bias"));
        Assert.True(((NamePattern)"head").MatchesParameter("head.weight"));
        Assert.False(((NamePattern)"head").MatchesParameter("head_dist.weight"));
    }

    [Fact]
    public void An_optimizer_built_up_front_trains_a_group_once_it_is_unfrozen()
    {
        using var scope = NewDisposeScope();
        using var model = AdaptationModels.Create("vit");
        var freezer = new Freezer(model);
        freezer.HeadOnly();
        var specs = LayerParameterGroups.Discriminative(model, 1e-3, 1e-2, new ParameterGroupOptions { IncludeFrozen = true });
        Assert.True(specs.Single(s => s.Name == "blocks.0").IsIdle);
        using var opt = Optimizers.Create(Optimizers.Sgd(0.5, momentum: 0.9), specs);
        var w = model.Module.named_parameters().Single(p => p.name == "blocks.0.mlp.fc1.weight").parameter;
        var start = w.detach().clone();
        Step(model, opt);
        Assert.Equal(0, (w - start).abs().max().item<float>());
        freezer.UnfreezeAll();
        Step(model, opt);
        Assert.True((w - start).abs().max().item<float>() > 0);
    }

    private static void Step(FineTune.Vision.Models.IVisionModel model, TrainingOptimizer opt)
    {
        using var scope = NewDisposeScope();
        opt.ZeroGrad();
        model.Module.train();
        nn.functional.cross_entropy(model.Module.call(AdaptationModels.Input(4)), tensor(new long[] { 0, 1, 2, 3 })).backward();
        opt.Step();
    }
}
