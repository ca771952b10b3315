using FineTune.Vision.Imaging;
using FineTune.Vision.Models;
using FineTune.Vision.Weights;
using TorchSharp;

namespace FineTune.Vision.Tests.Weights;

/// <summary>
/// Hugging Face model folders by path (Fixtures/Weights/make_hf_folders.py): timm hub folders written by real timm's
/// save_config_for_hf with timm's own logits, and transformers folders whose weights are the torchvision peer's
/// (vit_hf / swin_hf, logits in vit_io / swin_io).
/// </summary>
public sealed class HuggingFaceFolderTests
{
    [Theory]
    [InlineData("timm_vit", "vit_tiny_patch16_224", 0.5)]            // pretrained_cfg of augreg_in21k_ft_in1k: 0.5 mean
    [InlineData("timm_swin", "swin_tiny_patch4_window7_224", 0.485)]  // ms_in1k: ImageNet mean
    public void A_timm_hub_folder_loads_with_its_architecture_labels_and_timms_logits(string folder, string architecture, double mean0)
    {
        string path = WeightsFixtures.PathOf(Path.Combine("hf", folder));
        using var model = VisionModels.Load(path);
        Assert.Equal(architecture, model.Name);
        Assert.Equal(["cat", "dog", "bird"], model.ClassNames);
        Assert.Equal(3, model.Config.NumClasses);
        Assert.Equal(32, model.Config.ImgSize);
        Assert.Equal([3, 32, 32], model.PretrainedConfig.InputSize);
        Assert.Equal(Interpolation.Bicubic, model.PretrainedConfig.Interpolation);
        Assert.Equal(mean0, model.PretrainedConfig.Mean[0]);
        AssertLogits(model, Path.Combine(path, "io.safetensors"));
    }

    [Fact]
    public void A_timm_hub_folders_list_arguments_become_the_config()
    {
        var info = ModelFile.ReadInfo(WeightsFixtures.PathOf(Path.Combine("hf", "timm_swin")));
        var swin = Assert.IsType<SwinConfig>(info.Config);
        Assert.Equal([2, 2], swin.Depths);
        Assert.Equal([1, 2], swin.NumHeads);
        Assert.Equal(4, swin.WindowSize);
        Assert.Equal("timm hub folder", info.Metadata["format"]);
    }

    [Theory]
    [InlineData("vit", "vit_hf.safetensors", "vit_io.safetensors")]
    [InlineData("swin", "swin_hf.safetensors", "swin_io.safetensors")]
    public void A_transformers_folder_loads_with_id2label_and_the_peers_logits(string kind, string weights, string io)
    {
        string folder = TransformersFolder(kind, weights);
        try
        {
            using var model = VisionModels.Load(folder);
            Assert.Equal(["tench", "goldfish", "great white shark", "tiger shark", "hammerhead"], model.ClassNames);
            Assert.Equal(5, model.Config.NumClasses);
            AssertLogits(model, WeightsFixtures.PathOf(io));
            if (kind == "vit")
            {
                // preprocessor_config.json: mean/std 0.5, resample 2 (bilinear), size 32x32 without a crop.
                Assert.Equal(PretrainedConfig.Inception, model.PretrainedConfig.Mean);
                Assert.Equal(Interpolation.Bilinear, model.PretrainedConfig.Interpolation);
                Assert.Equal(1.0, model.PretrainedConfig.CropPct);
                var vit = Assert.IsType<VitConfig>(model.Config);
                Assert.Equal((32, 2, 2, 2.0, 8), (vit.EmbedDim, vit.Depth, vit.NumHeads, vit.MlpRatio, vit.PatchSize));
            }
            else
            {
                Assert.Equal([2, 2], Assert.IsType<SwinConfig>(model.Config).Depths);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_config_matching_a_registry_architecture_takes_its_name()
    {
        string folder = TransformersFolder("vit", "vit_hf.safetensors");
        try
        {
            // Rewrite the sizes as ViT-Ti/16 at 224: the registry's vit_tiny_patch16_224 (weights are not read by ReadInfo).
            string config = Path.Combine(folder, "config.json");
            File.WriteAllText(config, File.ReadAllText(config)
                .Replace("\"hidden_size\": 32", "\"hidden_size\": 192").Replace("\"intermediate_size\": 64", "\"intermediate_size\": 768")
                .Replace("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 12").Replace("\"num_attention_heads\": 2", "\"num_attention_heads\": 3")
                .Replace("\"image_size\": 32", "\"image_size\": 224").Replace("\"patch_size\": 8", "\"patch_size\": 16"));
            Assert.Equal("vit_tiny_patch16_224", ModelFile.ReadInfo(folder).Architecture);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("\"model_type\": \"vit\"", "\"model_type\": \"convnext\"", "model_type 'convnext'")]
    [InlineData("\"hidden_size\": 32,", "", "'hidden_size' is missing")]
    [InlineData("\"4\": \"hammerhead\"", "\"7\": \"hammerhead\"", "index 4 is missing")]
    [InlineData("{", "[", "not valid JSON")]
    public void A_bad_config_names_the_file_and_key(string find, string replace, string expected)
    {
        string folder = TransformersFolder("vit", "vit_hf.safetensors");
        try
        {
            string config = Path.Combine(folder, "config.json");
            string text = File.ReadAllText(config);
            Assert.Contains(find, text);
            int at = text.IndexOf(find, StringComparison.Ordinal);
            File.WriteAllText(config, text[..at] + replace + text[(at + find.Length)..]);
            var e = Assert.ThrowsAny<WeightsFormatException>(() => VisionModels.Load(folder));
            Assert.Contains("config.json", e.Message);
            Assert.Contains(expected, e.Message);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_timm_hub_folder_with_an_unknown_architecture_is_refused_with_suggestions()
    {
        string folder = WeightsFixtures.TempDir();
        try
        {
            foreach (string f in Directory.GetFiles(WeightsFixtures.PathOf(Path.Combine("hf", "timm_vit"))))
            {
                File.Copy(f, Path.Combine(folder, Path.GetFileName(f)));
            }
            string config = Path.Combine(folder, "config.json");
            File.WriteAllText(config, File.ReadAllText(config).Replace("\"vit_tiny_patch16_224\"", "\"vit_tinny_patch16_224\""));
            var e = Assert.Throws<WeightsFormatException>(() => VisionModels.Load(folder));
            Assert.Contains("vit_tiny_patch16_224", e.Message);   // the suggestion
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string TransformersFolder(string kind, string weights)
    {
        string folder = WeightsFixtures.TempDir();
        foreach (string f in Directory.GetFiles(WeightsFixtures.PathOf(Path.Combine("hf", kind))))
        {
            File.Copy(f, Path.Combine(folder, Path.GetFileName(f)));
        }
        File.Copy(WeightsFixtures.PathOf(weights), Path.Combine(folder, "model.safetensors"));
        return folder;
    }

    private static void AssertLogits(VisionModel model, string ioFile)
    {
        model.eval();
        using var scope = torch.NewDisposeScope();
        using var io = SafeTensors.Load(ioFile);
        using var _ = torch.no_grad();
        var logits = model.call(io["input"]);
        double maxDiff = (logits - io["logits"]).abs().max().item<float>();
        Assert.True(maxDiff < 1e-4, $"{ioFile}: max |logit difference| {maxDiff:g3}");
    }
}
