using FineTune.Vision.Weights;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Tests.Weights;

/// <summary>Loading by name into a module with timm's names: fitting, dropping, strictness and errors.</summary>
public sealed class WeightLoaderTests
{
    /// <summary>A stand-in with timm's key names (cls_token, pos_embed, blocks.0.attn, norm, head).</summary>
    private sealed class TimmNamed : nn.Module
    {
#pragma warning disable IDE1006, CS0414 // field names are timm's state-dict keys
        private readonly Parameter cls_token;
        private readonly Parameter pos_embed;
        private readonly Sequential blocks;
        private readonly LayerNorm norm;
        private readonly Linear head;
#pragma warning restore IDE1006, CS0414

        public TimmNamed(int grid, int classes, int dim = 8) : base(nameof(TimmNamed))
        {
            cls_token = new Parameter(torch.zeros(1, 1, dim));
            pos_embed = new Parameter(torch.zeros(1, 1 + grid * grid, dim));
            blocks = nn.Sequential(new Attn(dim));
            norm = nn.LayerNorm(dim);
            head = nn.Linear(dim, classes);
            RegisterComponents();
        }

        public Tensor Head => head.weight!;
    }

    private sealed class Attn : nn.Module<Tensor, Tensor>
    {
#pragma warning disable IDE1006
        private readonly Linear attn;
#pragma warning restore IDE1006

        public Attn(int dim) : base(nameof(Attn))
        {
            attn = nn.Linear(dim, 3 * dim);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => attn.call(x);
    }

    [Fact]
    public void Position_embeddings_are_resampled_and_the_classifier_dropped()
    {
        using var model = new TimmNamed(grid: 3, classes: 3);
        using var sd = Checkpoint(grid: 4, classes: 5);
        using var headBefore = model.Head.clone();
        Assert.Throws<CheckpointMismatchException>(() => model.LoadWeights(sd));   // strict by default: pos_embed and head differ
        var report = model.LoadWeights(sd, WeightLoadOptions.Pretrained);

        Assert.Equal(CheckpointLayout.Timm, report.Layout);
        Assert.Equal(new[] { "head.weight", "head.bias" }, report.ClassifierDropped);
        Assert.Empty(report.Missing);  // the fresh head is reported as dropped, not as missing
        var resized = Assert.Single(report.Resampled);
        Assert.Equal("pos_embed", resized.Key);
        using var expected = PositionEmbeddings.ResampleAbsolute(sd["pos_embed"], (3, 3), 1);
        Assert.True(model.state_dict()["pos_embed"].allclose(expected));
        Assert.True(model.state_dict()["norm.weight"].eq(sd["norm.weight"]).all().item<bool>());
        Assert.True(model.Head.eq(headBefore).all().item<bool>());
        Assert.Contains(report.Notes, n => n.Contains("converted Float16"));
        Assert.Contains("classifier dropped", report.ToString());
        Assert.Contains("grid 4x4 -> 3x3", report.ToString());
    }

    [Fact]
    public void Shape_mismatches_name_the_key_and_both_shapes()
    {
        using var model = new TimmNamed(grid: 3, classes: 5, dim: 6);
        using var sd = Checkpoint(grid: 3, classes: 5, dim: 8);
        var e = Assert.Throws<CheckpointMismatchException>(() => model.LoadWeights(sd));
        Assert.Contains("'norm.weight': checkpoint shape [8], model shape [6]", e.Message);
        Assert.Contains("'blocks.0.attn.weight': checkpoint shape [24, 8], model shape [18, 6]", e.Message);

        using var m2 = new TimmNamed(grid: 3, classes: 3);
        using var sd2 = Checkpoint(grid: 3, classes: 5);
        var e2 = Assert.Throws<CheckpointMismatchException>(() => m2.LoadWeights(sd2));
        Assert.Contains("'head.weight': checkpoint shape [5, 8], model shape [3, 8]", e2.Message);
        Assert.Contains("load it as pretrained weights", e2.Message);
    }

    [Fact]
    public void Strict_mode_rejects_missing_and_unexpected_keys_that_lenient_mode_reports()
    {
        using var model = new TimmNamed(grid: 3, classes: 5);
        using var sd = Checkpoint(grid: 3, classes: 5);
        sd.Remove("norm.bias");
        sd.Add("blocks.0.attn.relative_position_index", torch.zeros(4, dtype: int64));
        sd.Add("extra.weight", torch.zeros(2));
        var report = model.LoadWeights(sd, new WeightLoadOptions { Strict = false });
        Assert.Equal(new[] { "norm.bias" }, report.Missing);
        Assert.Equal(new[] { "extra.weight" }, report.Unexpected);
        Assert.Equal(new[] { "blocks.0.attn.relative_position_index" }, report.Ignored);
        Assert.False(report.IsComplete);

        var e = Assert.Throws<CheckpointMismatchException>(() => model.LoadWeights(sd));
        Assert.IsAssignableFrom<IOException>(e);
        Assert.Contains("1 missing, 1 unexpected", e.Message);
        Assert.Contains("norm.bias", e.Message);
        Assert.NotNull(e.Report);
        var pretrained = Assert.Throws<CheckpointMismatchException>(() => model.LoadWeights(sd, WeightLoadOptions.Pretrained));
        Assert.Contains("norm.bias", pretrained.Message);   // pretrained mode is lenient only about classifier and position tables
    }

    [Theory]
    [InlineData("model.")]
    [InlineData("module.")]
    [InlineData("backbone.")]
    [InlineData("encoder.")]
    [InlineData("_orig_mod.")]
    public void A_single_common_prefix_is_stripped_when_it_makes_the_keys_match(string prefix)
    {
        using var model = new TimmNamed(grid: 3, classes: 5);
        using var sd = Checkpoint(grid: 3, classes: 5);
        foreach (string key in sd.Keys.ToList()) sd.Rename(key, prefix + key);
        var report = model.LoadWeights(sd);
        Assert.True(report.IsComplete, report.ToString());
        Assert.Contains(report.Notes, n => n.Contains($"'{prefix}'"));
    }

    [Fact]
    public void Lora_adapter_keys_and_unrelated_checkpoints_get_errors_with_the_fix()
    {
        using var model = new TimmNamed(grid: 3, classes: 5);
        using var sd = Checkpoint(grid: 3, classes: 5);
        sd.Add("blocks.0.attn.lora_A.weight", torch.zeros(2, 8));
        sd.Add("blocks.0.attn.lora_B.weight", torch.zeros(24, 2));
        var e = Assert.Throws<CheckpointMismatchException>(() => model.LoadWeights(sd));
        Assert.Contains("blocks.0.attn.lora_A.weight", e.Message);
        Assert.Contains("LoraAdapters.Merge", e.Message);
        Assert.Contains("VisionModels.Load", e.Message);

        using var other = new StateDict();
        other.Add("features.0.weight", torch.zeros(3));
        other.Add("classifier.weight", torch.zeros(3));
        var none = Assert.Throws<CheckpointMismatchException>(() => model.LoadWeights(other, new WeightLoadOptions { Strict = false }));
        Assert.Contains("No tensor of the checkpoint", none.Message);
    }

    [Fact]
    public void Files_load_through_the_extension_with_format_and_container_reported()
    {
        string dir = WeightsFixtures.TempDir();
        string path = Path.Combine(dir, "ckpt.safetensors");
        using (var sd = Checkpoint(grid: 3, classes: 5))
        {
            SafeTensors.Save(path, sd);
        }
        using var model = new TimmNamed(grid: 3, classes: 5);
        var report = model.LoadWeights(path, new WeightLoadOptions { Strict = true });
        Assert.True(report.IsComplete);
        Assert.Equal(8, report.Loaded.Count);
        Assert.Equal(WeightsFormat.SafeTensors, report.Format);
        Assert.StartsWith($"Loaded 8 tensors from '{path}' (SafeTensors, Timm naming)", report.ToString());
        Directory.Delete(dir, true);
    }

    private static StateDict Checkpoint(int grid, int classes, int dim = 8)
    {
        var sd = new StateDict();
        var g = new Generator(42);
        sd.Add("cls_token", torch.randn(1, 1, dim, generator: g));
        sd.Add("pos_embed", torch.randn(1, 1 + grid * grid, dim, generator: g));
        sd.Add("blocks.0.attn.weight", torch.randn(3 * dim, dim, generator: g));
        sd.Add("blocks.0.attn.bias", torch.randn(3 * dim, generator: g));
        sd.Add("norm.weight", torch.randn(dim, generator: g).to(float16));
        sd.Add("norm.bias", torch.randn(dim, generator: g));
        sd.Add("head.weight", torch.randn(classes, dim, generator: g));
        sd.Add("head.bias", torch.randn(classes, generator: g));
        return sd;
    }
}
