using FineTune.Vision.Models;
using FineTune.Vision.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Tests.Weights;

/// <summary>
/// The acceptance core: tiny torchvision ViT and Swin models made by the peer (Debian's torch 1.13 and
/// torchvision 0.14, Fixtures/Weights/make_fixtures.py), saved in torchvision, timm and Hugging Face naming,
/// load into the library's models and give the peer's eval logits to 1e-4.
/// </summary>
public sealed class PeerParityTests
{
    private static readonly Dictionary<string, string> TinyVit = new()
    {
        ["img_size"] = "32", ["patch_size"] = "8", ["embed_dim"] = "32", ["depth"] = "2", ["num_heads"] = "2",
        ["mlp_ratio"] = "2", ["num_classes"] = "5",
    };

    private static readonly Dictionary<string, string> TinySwin = new()
    {
        ["img_size"] = "32", ["patch_size"] = "4", ["embed_dim"] = "16", ["depths"] = "2,2", ["num_heads"] = "1,2",
        ["window_size"] = "4", ["num_classes"] = "5",
    };

    [Theory]
    [InlineData("vit_tv.pth", CheckpointLayout.TorchVision)]
    [InlineData("vit_timm.safetensors", CheckpointLayout.Timm)]
    [InlineData("vit_hf.safetensors", CheckpointLayout.HuggingFace)]
    public void Vit_logits_match_torchvision(string file, CheckpointLayout layout) =>
        AssertLogits("vit_base_patch16_224", TinyVit, file, "vit_io.safetensors", layout);

    [Theory]
    [InlineData("swin_tv.pth", CheckpointLayout.TorchVision)]
    [InlineData("swin_timm.safetensors", CheckpointLayout.Timm)]
    [InlineData("swin_hf.safetensors", CheckpointLayout.HuggingFace)]
    public void Swin_logits_match_torchvision(string file, CheckpointLayout layout) =>
        AssertLogits("swin_tiny_patch4_window7_224", TinySwin, file, "swin_io.safetensors", layout);

    [Fact]
    public void A_new_class_count_drops_the_classifier_and_keeps_the_backbone()
    {
        var overrides = new Dictionary<string, string>(TinyVit) { ["num_classes"] = "3" };
        using var model = VisionModels.Create<ModelConfig>("vit_base_patch16_224", c => c.WithOverrides(overrides));
        Assert.Throws<CheckpointMismatchException>(() => model.LoadWeights(WeightsFixtures.PathOf("vit_tv.pth")));
        var report = model.LoadWeights(WeightsFixtures.PathOf("vit_tv.pth"), VisionModelWeights.PretrainedOptions(model));
        Assert.Equal(new[] { "head.weight", "head.bias" }, report.ClassifierDropped);
        Assert.Empty(report.Missing);
        model.eval();
        using var scope = torch.NewDisposeScope();
        using var io = SafeTensors.Load(WeightsFixtures.PathOf("vit_io.safetensors"));
        using var _ = torch.no_grad();
        Assert.Equal(new long[] { 2, 3 }, model.call(io["input"]).shape);
    }

    [Fact]
    public void A_larger_image_resamples_the_position_embedding()
    {
        var overrides = new Dictionary<string, string>(TinyVit) { ["img_size"] = "48" };
        LoadReport? report = null;
        using var model = VisionModels.Create<ModelConfig>("vit_base_patch16_224", c => c.WithOverrides(overrides))
            .LoadPretrained(WeightsFixtures.PathOf("vit_timm.safetensors"), onReport: r => report = r);
        var resized = Assert.Single(report!.Resampled);
        Assert.Equal(new long[] { 1, 1 + 36, 32 }, resized.To);
        Assert.Contains("grid 4x4 -> 6x6", resized.Method);
        model.eval();
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        Assert.Equal(new long[] { 2, 5 }, model.call(torch.randn(2, 3, 48, 48)).shape);
    }

    private static void AssertLogits(string name, Dictionary<string, string> overrides, string file, string ioFile, CheckpointLayout layout)
    {
        using var model = VisionModels.Create<ModelConfig>(name, c => c.WithOverrides(overrides));
        var report = model.LoadWeights(WeightsFixtures.PathOf(file), new WeightLoadOptions { Strict = true });
        Assert.Equal(layout, report.Layout);
        Assert.True(report.IsComplete, report.ToString());
        model.eval();
        using var scope = torch.NewDisposeScope();
        using var io = SafeTensors.Load(WeightsFixtures.PathOf(ioFile));
        using var _ = torch.no_grad();
        var logits = model.call(io["input"]);
        double maxDiff = (logits - io["logits"]).abs().max().item<float>();
        Assert.True(maxDiff < 1e-4, $"{file}: max |logit difference| {maxDiff:g3}\n{report}");
    }
}
