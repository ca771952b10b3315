using System.Text.Json.Nodes;
using FineTune.Vision.Adaptation;
using FineTune.Vision.Models;
using FineTune.Vision.Weights;
using static TorchSharp.torch;

namespace FineTune.Vision.Tests.Adaptation;

/// <summary>PEFT adapter folders: written here and read back, and a fixture in PEFT's own layout (make_peft_fixture.py).</summary>
public sealed class PeftAdapterTests : IDisposable
{
    private static readonly string FixtureDir = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Adaptation");
    private readonly string _dir = Directory.CreateTempSubdirectory("peft-tests").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static void Train(LoraAdapters adapters, int seed = 7)
    {
        manual_seed(seed);
        using var _ = no_grad();
        foreach (var (_, a) in adapters.Adapters) a.B.weight!.normal_(0, 0.2);
        foreach (var (_, p) in adapters.Parameters.Where(p => !p.Name.Contains(".lora_", StringComparison.Ordinal))) p.normal_(0, 0.2);
    }

    public static TheoryData<string, string> Families => new()
    {
        { "vit", "qv" }, { "deit", "qv" }, { "beit", "all" }, { "swin", "all" }, { "vit", "fc2" },
    };

    [Theory]
    [MemberData(nameof(Families))]
    public void Adapters_saved_for_peft_load_back_into_a_fresh_model_with_the_same_logits(string family, string targets)
    {
        using var scope = NewDisposeScope();
        var x = AdaptationModels.Input();
        Tensor expected;
        var options = new LoraOptions
        {
            Rank = 4, Alpha = 16, Dropout = 0.1,
            Targets = targets switch { "qv" => LoraTargets.QueryValue, "all" => LoraTargets.AttentionAndMlp, _ => [LoraTarget.Linear("mlp.fc2")] },
        };
        using (var model = AdaptationModels.Create(family))
        {
            var adapters = Lora.Apply(model, options);
            Train(adapters);
            adapters.SavePeft(_dir, new PeftExportOptions { BaseModelNameOrPath = "some/vit" });
            expected = AdaptationModels.Logits(model, x);
        }
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(_dir, "adapter_config.json")))!.AsObject();
        Assert.Equal("LORA", (string?)config["peft_type"]);
        Assert.Equal(4, (int)config["r"]!);
        Assert.Equal(16, (int)config["lora_alpha"]!);
        Assert.Equal("some/vit", (string?)config["base_model_name_or_path"]);
        var targetModules = config["target_modules"]!.AsArray().Select(n => (string)n!).ToList();
        var saved = config["modules_to_save"]!.AsArray().Select(n => (string)n!).ToList();
        var (tensors, meta) = SafeTensors.ReadHeader(Path.Combine(_dir, "adapter_model.safetensors"));
        var keys = tensors.Select(t => t.Name).ToList();
        Assert.Equal("pt", meta["format"]);
        Assert.All(keys, k => Assert.StartsWith("base_model.model.", k));
        switch (family, targets)
        {
            case ("vit", "qv"):
                Assert.Equal(["query", "value"], targetModules);
                Assert.Equal(["classifier"], saved);
                Assert.Contains("base_model.model.vit.encoder.layer.1.attention.attention.value.lora_B.weight", keys);
                Assert.DoesNotContain(keys, k => k.Contains(".key.", StringComparison.Ordinal));
                Assert.Equal([4L, 32], tensors.Single(t => t.Name.EndsWith("layer.0.attention.attention.query.lora_A.weight", StringComparison.Ordinal)).Shape);
                break;
            case ("deit", _):
                Assert.Equal(["cls_classifier", "distillation_classifier"], saved);
                Assert.Contains("base_model.model.deit.encoder.layer.0.attention.attention.query.lora_A.weight", keys);
                break;
            case ("swin", _):
                Assert.Equal(["dense", "key", "query", "value"], targetModules);
                Assert.Contains("base_model.model.swin.encoder.layers.1.blocks.1.attention.self.key.lora_B.weight", keys);
                Assert.Contains("base_model.model.classifier.weight", keys);
                break;
            case ("vit", "fc2"):
                Assert.Equal(["0.output.dense", "1.output.dense"], targetModules);    // "output.dense" would also match attention.output.dense
                break;
        }
        using var fresh = AdaptationModels.Create(family);    // the same base weights, fresh adapters
        var loaded = Lora.LoadPeft(fresh, _dir);
        Assert.Equal(0.1, loaded.Options.Dropout);
        Assert.True((AdaptationModels.Logits(fresh, x) - expected).abs().max().item<float>() < 1e-5);
    }

    [Theory]
    [InlineData("vit")]
    [InlineData("swin")]
    public void Peft_fixture_loads_onto_the_q_and_v_rows_of_qkv_and_the_classifier_into_the_head(string family)
    {
        using var scope = NewDisposeScope();
        using var model = AdaptationModels.Create(family);
        var before = model.Module.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().clone());
        var adapters = Lora.LoadPeft(model, Path.Combine(FixtureDir, $"peft_{family}"));
        Assert.Equal(4, adapters.Options.Rank);
        Assert.Equal(8, adapters.Options.Alpha);
        Assert.All(adapters.Adapters.Where(a => a.ModuleName.EndsWith("qkv", StringComparison.Ordinal)), a => Assert.Equal(QkvParts.QV, a.Adapter.FusedParts));
        var names = adapters.Adapters.Select(a => a.ModuleName).ToList();
        if (family == "vit") Assert.Equal(["blocks.0.attn.qkv", "blocks.1.attn.qkv"], names);
        else Assert.Equal(12, names.Count);     // qkv, attn.proj (attention.output.dense) and mlp.fc2 (output.dense) of 4 blocks
        var x = AdaptationModels.Input();
        var unmerged = AdaptationModels.Logits(model, x);
        adapters.Merge();
        using var expected = SafeTensors.Load(Path.Combine(FixtureDir, $"peft_{family}_expected.safetensors"));
        var merged = model.Module.state_dict();
        Tensor Want(string key, Tensor value) => key.StartsWith("head", StringComparison.Ordinal) ? value : before[key] + value;
        foreach (var (key, value) in expected)
            Assert.True((merged[key] - Want(key, value)).abs().max().item<float>() < 1e-6, key);
        Assert.True((AdaptationModels.Logits(model, x) - unmerged).abs().max().item<float>() < 1e-5);

        using var reference = AdaptationModels.Create(family);                      // plain weights, no LoRA code involved
        using (no_grad())
        {
            var sd = reference.Module.state_dict();
            foreach (var (key, value) in expected) sd[key].copy_(Want(key, value));
        }
        Assert.True((AdaptationModels.Logits(reference, x) - unmerged).abs().max().item<float>() < 1e-5);
    }

    [Fact]
    public void Configs_and_keys_the_library_cannot_map_are_refused_with_the_key_and_the_fix()
    {
        string Copy(Action<JsonObject> edit)
        {
            string dir = Directory.CreateDirectory(Path.Combine(_dir, Guid.NewGuid().ToString("N"))).FullName;
            File.Copy(Path.Combine(FixtureDir, "peft_vit", "adapter_model.safetensors"), Path.Combine(dir, "adapter_model.safetensors"));
            var o = JsonNode.Parse(File.ReadAllText(Path.Combine(FixtureDir, "peft_vit", "adapter_config.json")))!.AsObject();
            edit(o);
            File.WriteAllText(Path.Combine(dir, "adapter_config.json"), o.ToJsonString());
            return dir;
        }
        using (var model = AdaptationModels.Create("vit"))
        {
            var e = Assert.Throws<IOException>(() => Lora.LoadPeft(model, Copy(o => o["r"] = 8)));
            Assert.Contains("rank mismatch", e.Message);
            Assert.Contains("layer.0.attention.attention.query.lora_A.weight", e.Message);
        }
        using (var model = AdaptationModels.Create("vit"))
        {
            var e = Assert.Throws<ArgumentException>(() => Lora.LoadPeft(model, Copy(o => o["target_modules"] = new JsonArray("q_proj", "v_proj"))));
            Assert.Contains("'q_proj'", e.Message);
            Assert.Contains("attention.attention.query", e.Message);
        }
        using (var model = AdaptationModels.Create("vit"))
        {
            var e = Assert.Throws<IOException>(() => Lora.LoadPeft(model, Copy(o => o["use_dora"] = true)));
            Assert.Contains("use_dora", e.Message);
        }
        using (var model = AdaptationModels.Create("vit"))
        {
            model.ResetClassifier(7);
            var e = Assert.Throws<IOException>(() => Lora.LoadPeft(model, Path.Combine(FixtureDir, "peft_vit")));
            Assert.Contains("ResetClassifier(5)", e.Message);
        }
        using (var swin = AdaptationModels.Create("swin"))
        {
            var e = Assert.Throws<ArgumentException>(() => Lora.LoadPeft(swin, Copy(o => o["target_modules"] = "vit\\..*query")));
            Assert.Contains("vit\\..*query", e.Message);
        }
        using (var model = AdaptationModels.Create("vit"))
        {
            string dir = Copy(_ => { });
            string weights = Path.Combine(dir, "adapter_model.safetensors");
            using (var sd = SafeTensors.Load(weights))
            {
                var renamed = sd.Select(p => new KeyValuePair<string, Tensor>(p.Key.Replace("layer.1.", "layer.7.", StringComparison.Ordinal), p.Value)).ToList();
                SafeTensors.Save(weights, renamed, new Dictionary<string, string> { ["format"] = "pt" });
            }
            var e = Assert.Throws<IOException>(() => Lora.LoadPeft(model, dir));    // an adapter for a deeper model
            Assert.Contains("key 'base_model.model.vit.encoder.layer.7.attention.attention.query.lora_A.weight'", e.Message);
        }
        using (var cait = AdaptationModels.Create("cait"))
        {
            var e = Assert.Throws<ArgumentException>(() => Lora.Apply(cait, new LoraOptions()).SavePeft(_dir));
            Assert.Contains("LoraAdapters.Save", e.Message);
        }
        using (var cait = AdaptationModels.Create("cait"))
        {
            var e = Assert.Throws<ArgumentException>(() => Lora.LoadPeft(cait, Path.Combine(FixtureDir, "peft_vit")));
            Assert.Contains("ViT, DeiT, BEiT and Swin", e.Message);
        }
    }
}
