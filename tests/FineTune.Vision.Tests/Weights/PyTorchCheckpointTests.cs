using FineTune.Vision.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Tests.Weights;

/// <summary>torch.save zip checkpoints through the restricted unpickler.</summary>
public sealed class PyTorchCheckpointTests
{
    [Fact]
    public void Non_contiguous_views_of_one_storage_keep_their_values()
    {
        using var views = PyTorchCheckpoint.Load(WeightsFixtures.PathOf("views.pth"));
        using var expected = SafeTensors.Load(WeightsFixtures.PathOf("views_expected.safetensors"));
        Assert.Equal(expected.Keys, views.Keys);
        foreach (var (key, tensor) in expected)
        {
            WeightsFixtures.AssertSameTensor(tensor, views[key], key);
        }
        Assert.Equal(new long[] { 6, 4 }, views["transposed"].shape);
        Assert.Equal(new float[] { 3, 9, 15, 21 }, views["column"].data<float>().ToArray());
    }

    [Fact]
    public void Nested_checkpoints_choose_the_model_and_say_so()
    {
        string path = WeightsFixtures.PathOf("nested.pth");
        using (var plain = WeightsFile.Load(path))
        {
            Assert.Equal("model", plain.ContainerPath);
            Assert.Equal(1f, plain["w"][0, 0].item<float>());
            Assert.Contains(plain.Notes, n => n.Contains("using 'model'") && n.Contains("model_ema"));
        }
        using (var ema = WeightsFile.Load(path, new CheckpointReadOptions { PreferEma = true }))
        {
            Assert.Equal("model_ema", ema.ContainerPath);
            Assert.Equal(2f, ema["w"][0, 0].item<float>());
        }
        using (var byKey = WeightsFile.Load(path, new CheckpointReadOptions { ContainerKey = "model_ema" }))
        {
            Assert.Equal(new[] { "w", "b" }, byKey.Keys);
        }
        var e = Assert.Throws<WeightsFormatException>(() => WeightsFile.Load(path, new CheckpointReadOptions { ContainerKey = "optimizer" }));
        Assert.Contains("'optimizer' was not found", e.Message);
        Assert.Contains("'model_ema'", e.Message);
    }

    [Fact]
    public void A_pickle_calling_os_system_is_refused_without_running_it()
    {
        string path = WeightsFixtures.PathOf("malicious.pth");
        string marker = "finetune_vision_pwned.txt";
        var e = Assert.Throws<UnsafeCheckpointException>(() => WeightsFile.Load(path));
        Assert.Equal("posix.system", e.GlobalName);
        Assert.Contains(path, e.Message);
        Assert.Contains("nothing was executed", e.Message);
        Assert.False(File.Exists(marker));
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(path)!, marker)));
    }

    [Fact]
    public void Torchvision_state_dict_reads_in_pickle_order()
    {
        using var sd = WeightsFile.Load(WeightsFixtures.PathOf("vit_tv.pth"));
        Assert.Equal(WeightsFormat.PyTorchZip, sd.Format);
        Assert.Null(sd.ContainerPath);
        Assert.Equal(32, sd.Count);
        Assert.Equal("class_token", sd.Keys[0]);
        Assert.Equal(new long[] { 96, 32 }, sd["encoder.layers.encoder_layer_1.self_attention.in_proj_weight"].shape);
        using var timm = SafeTensors.Load(WeightsFixtures.PathOf("vit_timm.safetensors"));
        WeightsFixtures.AssertSameTensor(timm["blocks.1.attn.qkv.weight"], sd["encoder.layers.encoder_layer_1.self_attention.in_proj_weight"], "qkv");
    }

    [Fact]
    public void Legacy_checkpoints_load_and_truncated_ones_fail_with_the_file_named()
    {
        string legacy = WeightsFixtures.PathOf("legacy.pt");
        Assert.Equal(WeightsFormat.PyTorchLegacy, WeightsFile.DetectFormat(legacy));
        using (var sd = WeightsFile.Load(legacy))
        {
            Assert.Equal(new[] { "w", "b" }, sd.Keys);
            Assert.Equal(1f, sd["w"][1, 1].item<float>());
            Assert.Contains(sd.Notes, n => n.Contains("legacy"));
        }
        var legacyBytes = File.ReadAllBytes(legacy);
        string legacyCut = Path.Combine(WeightsFixtures.TempDir(), "legacy_cut.pt");
        File.WriteAllBytes(legacyCut, legacyBytes[..^5]);
        var e = Assert.Throws<WeightsFormatException>(() => WeightsFile.Load(legacyCut));
        Assert.Contains(legacyCut, e.Message);

        string dir = WeightsFixtures.TempDir();
        var bytes = File.ReadAllBytes(WeightsFixtures.PathOf("vit_tv.pth"));
        foreach (int length in new[] { bytes.Length / 2, bytes.Length - 30, 100 })
        {
            string cut = Path.Combine(dir, $"cut{length}.pth");
            File.WriteAllBytes(cut, bytes[..length]);
            var ex = Assert.ThrowsAny<WeightsFormatException>(() => WeightsFile.Load(cut));
            Assert.Contains(cut, ex.Message);
        }
        Directory.Delete(dir, true);
    }

    [Fact]
    public void Unknown_content_is_rejected_by_detection()
    {
        string dir = WeightsFixtures.TempDir();
        string path = Path.Combine(dir, "model.pth");
        File.WriteAllText(path, "this is not a checkpoint at all");
        var e = Assert.Throws<WeightsFormatException>(() => WeightsFile.DetectFormat(path));
        Assert.Contains("neither a safetensors file", e.Message);
        File.WriteAllBytes(path, []);
        Assert.Contains("empty or truncated", Assert.Throws<WeightsFormatException>(() => WeightsFile.Load(path)).Message);
        Directory.Delete(dir, true);
    }
}
