using FineTune.Vision.Adaptation;
using FineTune.Vision.Imaging;
using FineTune.Vision.Models;
using FineTune.Vision.Transforms;
using FineTune.Vision.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Tests.Models;

/// <summary>VisionModels.Create/Load, model.Save, seeds, unknown names, class names and the data config presets.</summary>
public sealed class VisionModelsTests
{
    public static TheoryData<string> Families => ["vit", "deit", "beit", "swin", "swinv2", "cait"];

    private static VisionModel Tiny(string family, long? seed = 0) => family switch
    {
        "vit" => VisionModels.Create<VitConfig>("vit_tiny_patch16_224", _ => TinyModels.Vit, seed: seed),
        "deit" => VisionModels.Create<VitConfig>("deit_tiny_distilled_patch16_224", _ => TinyModels.Vit, seed: seed),
        "beit" => VisionModels.Create<BeitConfig>("beit_base_patch16_224", _ => TinyModels.Beit, seed: seed),
        "swin" => VisionModels.Create<SwinConfig>("swin_tiny_patch4_window7_224", _ => TinyModels.Swin, seed: seed),
        "swinv2" => TinyModels.WithUnitPostNorms(VisionModels.Create<SwinV2Config>("swinv2_tiny_window8_256", _ => TinyModels.SwinV2, seed: seed)),
        _ => VisionModels.Create<CaitConfig>("cait_xxs24_224", _ => TinyModels.Cait, seed: seed),
    };

    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    private static string TempFile(string name) => Path.Combine(Directory.CreateTempSubdirectory("ftv-models-").FullName, name);

    private static Tensor Logits(VisionModel model, Tensor x)
    {
        model.eval();
        using var _ = no_grad();
        return model.call(x);
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Saved_models_reload_with_the_same_logits_class_names_and_preprocessing(string family)
    {
        using var model = Tiny(family);
        model.ClassNames = ["a", "b", "c", "d", "e"];
        string path = TempFile(family + ".ftv.safetensors");
        model.Save(path);
        using var reloaded = VisionModels.Load(path);
        Assert.Equal(model.GetType(), reloaded.GetType());
        Assert.Equal(model.Name, reloaded.Name);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(model.Config, model.Config.GetType()),
            System.Text.Json.JsonSerializer.Serialize(reloaded.Config, reloaded.Config.GetType()));
        Assert.Equal(model.ClassNames, reloaded.ClassNames);
        Assert.Equal(model.PretrainedConfig.InputSize, reloaded.PretrainedConfig.InputSize);
        Assert.Equal(model.PretrainedConfig.Normalization, reloaded.PretrainedConfig.Normalization);
        Assert.Equal((model.PretrainedConfig.CropPct, model.PretrainedConfig.Interpolation), (reloaded.PretrainedConfig.CropPct, reloaded.PretrainedConfig.Interpolation));
        using var scope = NewDisposeScope();
        var x = randn(2, 3, 32, 32);
        Assert.True(Same(Logits(model, x), Logits(reloaded, x)));
        var (_, metadata) = SafeTensors.ReadHeader(path);
        Assert.Equal("finetune.vision.model", metadata["format"]);
        Assert.Contains("\"num_classes\":5", metadata["config"]);
        Assert.Contains("\"interpolation\":\"bicubic\"", metadata["pretrained_config"]);
        Assert.Equal("none", metadata["adapters"]);
    }

    [Fact]
    public void Lora_models_save_merged_without_changing_the_live_model_and_reload_to_equal_logits()
    {
        using var model = Tiny("vit");
        var adapters = Lora.Apply(model, new LoraOptions { Rank = 2, Alpha = 4 });
        using (no_grad())
        {
            foreach (var (_, a) in adapters.Adapters) a.B.weight!.normal_(0, 0.1);
        }
        var keysBefore = model.state_dict().Keys.ToList();
        string path = TempFile("lora.ftv.safetensors");
        model.Save(path);
        Assert.False(adapters.IsMerged);
        Assert.Equal(keysBefore, model.state_dict().Keys);
        var (entries, metadata) = SafeTensors.ReadHeader(path);
        Assert.DoesNotContain(entries, e => e.Name.Contains("lora_"));
        Assert.StartsWith("lora: merged (lora r=2 alpha=4", metadata["adapters"]);
        using var reloaded = VisionModels.Load(path);
        using var scope = NewDisposeScope();
        var x = randn(2, 3, 32, 32);
        Assert.True(Logits(model, x).allclose(Logits(reloaded, x), rtol: 1e-4, atol: 1e-5));

        var plain = Assert.Throws<CheckpointMismatchException>(() => { using var m = Tiny("vit"); m.LoadWeights(SaveStateDict(model)); });
        Assert.Contains("LoraAdapters.Merge", plain.Message);
    }

    private static string SaveStateDict(VisionModel model)
    {
        string path = TempFile("raw.safetensors");
        SafeTensors.Save(path, model.state_dict());
        return path;
    }

    [Fact]
    public void A_plain_checkpoint_is_not_a_model_file_and_the_error_says_what_to_use()
    {
        using var model = Tiny("vit");
        string path = SaveStateDict(model);
        var e = Assert.Throws<WeightsFormatException>(() => VisionModels.Load(path));
        Assert.IsAssignableFrom<IOException>(e);
        Assert.Contains(path, e.Message);
        Assert.Contains("VisionModels.Create(name", e.Message);
    }

    [Fact]
    public void Models_whose_tensors_are_not_the_architecture_refuse_to_save_as_a_model_file()
    {
        using var wrapped = new HeadedModel(Tiny("vit"), new HeadOptions { Kind = HeadKind.ConcatPool }, 3);
        var e = Assert.Throws<InvalidOperationException>(() => wrapped.Save(TempFile("headed.ftv.safetensors")));
        Assert.Contains("SafeTensors.Save", e.Message);
    }

    [Fact]
    public void Same_seed_gives_bit_identical_weights_and_another_seed_differs()
    {
        using var a = Tiny("swin", seed: 1);
        using var b = Tiny("swin", seed: 1);
        using var c = Tiny("swin", seed: 2);
        var (sa, sb, sc) = (a.state_dict(), b.state_dict(), c.state_dict());
        Assert.All(sa.Keys, k => Assert.True(Same(sa[k], sb[k]), k));
        Assert.Contains(sa.Keys, k => !Same(sa[k], sc[k]));
        using var d = VisionModels.Create("vit_tiny_patch16_224", numClasses: 7, seed: 5, device: new Device(DeviceType.META));
        Assert.Equal(7, d.NumClasses);
    }

    [Fact]
    public void Seeded_creation_leaves_the_global_stream_where_it_was()
    {
        torch.random.manual_seed(42);
        using var expected = randn(4);
        torch.random.manual_seed(42);
        using (Tiny("vit", seed: 3)) { }
        using var actual = randn(4);
        Assert.True(Same(expected, actual));
    }

    [Fact]
    public void Lora_initialisation_is_repeatable()
    {
        using var a = Tiny("beit", seed: 0);
        using var b = Tiny("beit", seed: 0);
        var la = Lora.Apply(a, new LoraOptions { Rank = 2 });
        var lb = Lora.Apply(b, new LoraOptions { Rank = 2 });
        Assert.All(la.Adapters.Zip(lb.Adapters), p => Assert.True(Same(p.First.Adapter.A.weight!, p.Second.Adapter.A.weight!)));
        using var c = Tiny("beit", seed: 0);
        var lc = Lora.Apply(c, new LoraOptions { Rank = 2, Seed = 9 });
        Assert.False(Same(la.Adapters[0].Adapter.A.weight!, lc.Adapters[0].Adapter.A.weight!));
    }

    [Theory]
    [InlineData("vit_bse", "vit_base_patch16_224")]
    [InlineData("vit_base_patch16_386", "vit_base_patch16_384")]
    [InlineData("swim_tiny_patch4_window7_224", "swin_tiny_patch4_window7_224")]
    [InlineData("deit_base_distiled_patch16_224", "deit_base_distilled_patch16_224")]
    public void Unknown_names_suggest_the_nearest_of_the_family(string name, string suggested)
    {
        var e = Assert.Throws<ArgumentException>(() => VisionModels.Create(name));
        string suggestions = e.Message.Split("Did you mean: ")[1].Split('?')[0];
        Assert.Contains(suggested, suggestions);
        Assert.All(suggestions.Split(", "), s => Assert.StartsWith(suggested[..suggested.IndexOf('_')], s));
        if (name == "vit_bse") Assert.All(suggestions.Split(", "), s => Assert.StartsWith("vit_base_", s));
    }

    [Theory]
    [InlineData("resnet50", "resnet50")]
    [InlineData("convnext_tiny", "convnext")]
    [InlineData("efficientnet_b0", "efficientnet")]
    public void Unsupported_families_are_named_with_the_supported_ones(string name, string family)
    {
        var e = Assert.Throws<ArgumentException>(() => VisionModels.Create(name));
        Assert.Contains($"'{family}' family is not supported", e.Message);
        Assert.Contains("vit, deit, beit, swin, swinv2, cait", e.Message);
    }

    [Fact]
    public void Typed_configs_name_the_needed_type()
    {
        var e = Assert.Throws<ArgumentException>(() => VisionModels.Create<SwinConfig>("vit_tiny_patch16_224", c => c));
        Assert.Contains("VitConfig", e.Message);
        Assert.Equal(7, VisionModels.GetConfig<SwinConfig>("swin_tiny_patch4_window7_224").WindowSize);
        using var m = VisionModels.Create<SwinConfig>("swin_tiny_patch4_window7_224", c => c with { WindowSize = 8, ImgSize = 256, NumClasses = 3 }, device: new Device(DeviceType.META));
        Assert.Equal(8, ((SwinConfig)m.Config).WindowSize);
        using var fromStrings = VisionModels.Create<ModelConfig>("vit_tiny_patch16_224", c => c.WithOverrides(new Dictionary<string, string> { ["num_classes"] = "4" }), device: new Device(DeviceType.META));
        Assert.Equal(4, fromStrings.NumClasses);
    }

    [Fact]
    public void Class_names_must_match_the_classifier_and_reset_clears_them()
    {
        using var model = Tiny("cait");
        Assert.Throws<ArgumentException>(() => model.ClassNames = ["only", "two"]);
        model.ClassNames = ["a", "b", "c", "d", "e"];
        model.ResetClassifier(2);
        Assert.Null(model.ClassNames);
    }

    [Fact]
    public void Pretrained_loading_drops_another_class_count_and_resamples_but_depth_must_match()
    {
        using var donor = Tiny("vit");
        string path = SaveStateDict(donor);
        LoadReport? report = null;
        using var model = VisionModels.Create<VitConfig>("vit_tiny_patch16_224", _ => TinyModels.Vit with { NumClasses = 3, ImgSize = 48 }, pretrained: path, onReport: r => report = r);
        Assert.Equal(["head.weight", "head.bias"], report!.ClassifierDropped);
        Assert.Equal("pos_embed", Assert.Single(report.Resampled).Key);
        Assert.Throws<CheckpointMismatchException>(() => VisionModels.Create<VitConfig>("vit_tiny_patch16_224", _ => TinyModels.Vit with { Depth = 3 }, pretrained: path));
    }

    [Fact]
    public void Pretrained_loading_adapts_the_first_conv_to_other_input_channels()
    {
        using var donor = Tiny("vit");
        string path = SaveStateDict(donor);
        using var gray = VisionModels.Create<VitConfig>("vit_tiny_patch16_224", _ => TinyModels.Vit with { InChans = 1 }, pretrained: path);
        using var expected = donor.state_dict()["patch_embed.proj.weight"].sum([1], keepdim: true);
        Assert.True(gray.state_dict()["patch_embed.proj.weight"].allclose(expected, rtol: 1e-5, atol: 1e-6));
        Assert.Throws<CheckpointMismatchException>(() => { using var m = VisionModels.Create<VitConfig>("vit_tiny_patch16_224", _ => TinyModels.Vit with { InChans = 1 }); m.LoadWeights(path); });
    }

    [Fact]
    public void Presets_follow_the_model_data_config()
    {
        var config = VisionModels.Create("beit_base_patch16_384", device: new Device(DeviceType.META)).PretrainedConfig;
        Assert.Equal(Normalization.Inception, config.Normalization);
        var eval = Presets.EvalOptions(config);
        Assert.Equal((384, 1.0, Interpolation.Bicubic, Normalization.Inception), (eval.Size, eval.CropPct, eval.Interpolation, eval.Normalization));
        var train = Presets.TrainOptions(config, new TrainPresetOptions { ColorJitter = null, Size = 10, Normalization = Normalization.None });
        Assert.Equal((384, (double?)null, Normalization.Inception), (train.Size, train.ColorJitter, train.Normalization));
        Assert.Equal(Interpolation.Bilinear, PretrainedConfig.ParseInterpolation("bilinear"));
        Assert.NotNull(Presets.Eval(config));
        Assert.NotNull(Presets.Train(config));
    }
}
