using FineTune.Vision.Adaptation;
using FineTune.Vision.Models;
using FineTune.Vision.Optim;
using FineTune.Vision.Weights;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Tests.Adaptation;

public sealed class LoraTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lora-tests").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static void Randomize(LoraAdapters adapters, int seed = 7)
    {
        manual_seed(seed);
        using var _ = no_grad();
        foreach (var (_, a) in adapters.Adapters) a.B.weight!.normal_(0, 0.2);
    }

    [Theory]
    [InlineData("vit")]
    [InlineData("deit")]
    [InlineData("beit")]
    [InlineData("swin")]
    [InlineData("swinv2")]
    [InlineData("cait")]
    public void Merged_logits_equal_unmerged_and_base_keys_stay(string family)
    {
        using var scope = NewDisposeScope();
        using var model = AdaptationModels.Create(family);
        var keys = model.Module.state_dict().Keys.ToList();
        var x = AdaptationModels.Input();
        var baseLogits = AdaptationModels.Logits(model, x);
        Tensor baseFeatures;
        using (no_grad()) baseFeatures = model.ForwardFeatures(x);
        var adapters = Lora.Apply(model, new LoraOptions { Rank = 4, Alpha = 8 });
        Assert.Equal(0, (AdaptationModels.Logits(model, x) - baseLogits).abs().max().item<float>());    // B = 0: no change at first
        Randomize(adapters);
        var unmerged = AdaptationModels.Logits(model, x);
        using (no_grad()) Assert.True((model.ForwardFeatures(x) - baseFeatures).abs().max().item<float>() > 1e-3, "the adapters must change the features (hooks ran)");
        adapters.Merge();
        Assert.True(adapters.IsMerged);
        Assert.True((AdaptationModels.Logits(model, x) - unmerged).abs().max().item<float>() < 1e-5);
        adapters.Unmerge();
        Assert.True((AdaptationModels.Logits(model, x) - unmerged).abs().max().item<float>() < 1e-5);
        var now = model.Module.state_dict().Keys.ToList();
        Assert.Equal(keys, now.Where(k => !k.Contains(".lora_", StringComparison.Ordinal)).ToList());
        Assert.All(adapters.Adapters, a => Assert.Contains(a.ModuleName + ".lora_A.weight", now));
    }

    [Fact]
    public void Query_value_targets_fused_qkv_slices_and_split_class_attention()
    {
        using var model = AdaptationModels.Create("cait");
        var adapters = Lora.Apply(model, new LoraOptions { Rank = 2 });
        var names = adapters.Adapters.Select(a => a.ModuleName).ToList();
        Assert.Contains("blocks.0.attn.qkv", names);
        Assert.Contains("blocks_token_only.0.attn.q", names);
        Assert.Contains("blocks_token_only.0.attn.v", names);
        Assert.DoesNotContain("blocks_token_only.0.attn.k", names);
        var qkv = adapters.Adapters.Single(a => a.ModuleName == "blocks.0.attn.qkv").Adapter;
        Assert.Equal(QkvParts.QV, qkv.FusedParts);
        Assert.Equal([4L, 32], qkv.A.weight!.shape);     // two slices × r rows
        Assert.Equal([64L, 2], qkv.B.weight!.shape);     // q and v slices of 32 outputs
    }

    [Fact]
    public void Fused_slices_leave_the_key_slice_unchanged_and_match_a_dense_update()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var linear = nn.Linear(8, 24);
        using var lora = new LoraLinear(linear, rank: 2, alpha: 4, useRsLora: true, fusedParts: QkvParts.QV);
        Assert.Equal(4 / Math.Sqrt(2), lora.Scaling, 12);
        Assert.Equal(0, lora.B.weight!.abs().sum().item<float>());
        double bound = 1 / Math.Sqrt(8);    // kaiming_uniform(a = √5) on fan_in 8
        Assert.True(lora.A.weight!.abs().max().item<float>() <= bound + 1e-6);
        using (no_grad()) lora.B.weight!.normal_();
        var x = randn(5, 8);
        var delta = lora.Delta(x);
        Assert.Equal(0, delta.narrow(1, 8, 8).abs().max().item<float>());
        Assert.True(delta.narrow(1, 0, 8).abs().max().item<float>() > 0);
        var dense = nn.functional.linear(x, linear.weight! + lora.DeltaWeight(), linear.bias);
        Assert.True((lora.call(x) - dense).abs().max().item<float>() < 1e-5);
    }

    [Fact]
    public void Only_adapters_and_head_get_gradients_and_optimizer_state()
    {
        using var scope = NewDisposeScope();
        using var model = AdaptationModels.Create("vit");
        var adapters = Lora.Apply(model, new LoraOptions { Rank = 2 });
        var trainable = adapters.Parameters.Select(p => p.Name).ToHashSet();
        Assert.Contains("head.weight", trainable);
        Assert.Equal(trainable, model.Module.named_parameters().Where(p => p.parameter.requires_grad).Select(p => p.name).ToHashSet());
        var report = adapters.Report();
        Assert.Equal(adapters.Parameters.Sum(p => p.Parameter.numel()), report.Trainable);
        Assert.True(report.Percent < 10, report.ToString());
        var specs = LayerParameterGroups.Uniform(model, new ParameterGroupOptions { IncludeFrozen = true });
        using var opt = Optimizers.Create(Optimizers.AdamW(1e-2), specs);
        var before = model.Module.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
        model.Module.train();
        var loss = nn.functional.cross_entropy(model.Module.call(AdaptationModels.Input(4)), tensor(new long[] { 0, 1, 2, 3 }));
        loss.backward();
        foreach (var (name, p) in model.Module.named_parameters())
            Assert.True(trainable.Contains(name) == (p.grad is not null), $"{name}: grad {(p.grad is null ? "null" : "set")}");
        opt.Step();
        foreach (var (name, p) in model.Module.named_parameters())
            Assert.True(trainable.Contains(name) == Changed(p, before[name]), $"{name} changed: {Changed(p, before[name])}");
        var steps = ((OptimizerHelper)opt.Optimizer).state_dict().State.Cast<TorchSharp.Modules.AdamW.State>().Select(s => s.step).ToList();
        var order = opt.Parameters.Select(p => trainable.Contains(model.Module.named_parameters().First(n => ReferenceEquals(n.parameter, p) || n.parameter.Handle == p.Handle).name)).ToList();
        Assert.Equal(order.Select(t => t ? 1L : 0L), steps);
    }

    private static bool Changed(Tensor a, Tensor b) => (a - b).abs().max().item<float>() > 0;

    [Fact]
    public void Save_then_load_into_a_fresh_model_gives_identical_logits()
    {
        using var scope = NewDisposeScope();
        string path = Path.Combine(_dir, "adapter.safetensors");
        var x = AdaptationModels.Input();
        Tensor expected;
        using (var model = AdaptationModels.Create("swin"))
        {
            var adapters = Lora.Apply(model, new LoraOptions { Rank = 4, Alpha = 16, UseRsLora = true, Targets = LoraTargets.AttentionAndMlp });
            Randomize(adapters);
            using (no_grad()) model.Module.named_parameters().Single(p => p.name == "head.fc.weight").parameter.normal_();
            adapters.Save(path);
            expected = AdaptationModels.Logits(model, x);
        }
        var (_, meta) = SafeTensors.ReadHeader(path);
        Assert.Equal("4", meta["rank"]);
        Assert.Equal("16", meta["alpha"]);
        Assert.Equal("true", meta["use_rslora"]);
        Assert.Equal(nameof(SwinTransformer), meta["base_model"]);
        using var fresh = AdaptationModels.Create("swin");
        var loaded = Lora.LoadAdapters(fresh, path);
        Assert.Equal(16, loaded.Options.Alpha);
        Assert.True((AdaptationModels.Logits(fresh, x) - expected).abs().max().item<float>() == 0);
    }

    [Fact]
    public void Loading_with_wrong_rank_targets_or_head_names_what_differs()
    {
        string path = Path.Combine(_dir, "a.safetensors");
        using (var model = AdaptationModels.Create("vit")) Lora.Apply(model, new LoraOptions { Rank = 4 }).Save(path);
        using (var other = AdaptationModels.Create("vit"))
        {
            var e = Assert.Throws<CheckpointMismatchException>(() => Lora.Apply(other, new LoraOptions { Rank = 8 }).Load(path));
            Assert.Contains("rank: file 4, model 8", e.Message);
        }
        using (var other = AdaptationModels.Create("vit"))
        {
            var e = Assert.Throws<CheckpointMismatchException>(() => Lora.Apply(other, new LoraOptions { Rank = 4, Targets = LoraTargets.Attention }).Load(path));
            Assert.Contains("targets: file [qkv[q,v], attn.q, attn.v]", e.Message);
        }
        using (var other = AdaptationModels.Create("vit"))
        {
            other.ResetClassifier(7);
            var e = Assert.Throws<CheckpointMismatchException>(() => Lora.LoadAdapters(other, path));
            Assert.Contains("key 'head.weight': file shape [5, 32], model shape [7, 32]", e.Message);
        }
        using (var other = AdaptationModels.Create("vit"))
        {
            var e = Assert.Throws<ArgumentException>(() => Lora.Apply(other, new LoraOptions { Targets = [LoraTarget.Linear("nothing")] }));
            Assert.Contains("blocks.0.attn.qkv", e.Message);
        }
    }
}
