using System.Text.Json;
using FineTune.Vision.Models;
using FineTune.Vision.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Tests.Models;

/// <summary>
/// The Swin V2 registry entries against REAL timm's <c>swin_transformer_v2</c> (Fixtures/Models/make_swinv2_registry.py):
/// the same names and tags, timm's pretrained configurations, and the architecture timm's entrypoints build (widths,
/// depths, heads, effective window per stage, pretrained window sizes).
/// </summary>
public sealed class SwinV2RegistryTests
{
    private static readonly JsonElement Fixture = JsonDocument.Parse(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Models", "swinv2_registry.json"))).RootElement;

    private static IEnumerable<JsonElement> Rows => Fixture.GetProperty("models").EnumerateArray();

    public static TheoryData<string> Names => new(Rows.Select(r => r.GetProperty("name").GetString()!));

    private static int[] Ints(JsonElement row, string key) => row.GetProperty(key).EnumerateArray().Select(e => e.GetInt32()).ToArray();

    private static double[] Doubles(JsonElement row, string key) => row.GetProperty(key).EnumerateArray().Select(e => e.GetDouble()).ToArray();

    [Fact]
    public void The_registry_has_exactly_timms_swinv2_tags()
    {
        Assert.Equal(Rows.Select(r => r.GetProperty("name").GetString()!).Order(StringComparer.Ordinal),
            ModelRegistry.PretrainedNames.Where(n => n.StartsWith("swinv2_", StringComparison.Ordinal)));
        Assert.Equal("swinv2", ModelRegistry.GetConfig("swinv2_base_window12_192").Family);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Pretrained_config_is_timms(string name)
    {
        var row = Rows.Single(r => r.GetProperty("name").GetString() == name);
        var entry = ModelRegistry.Get(name);
        Assert.Equal(row.GetProperty("arch").GetString(), entry.Architecture);
        var p = entry.Pretrained;
        Assert.Equal(row.GetProperty("tag").GetString(), p.Tag);
        Assert.Equal(row.GetProperty("hf_hub_id").GetString(), p.HfHubId);
        Assert.Equal(Ints(row, "input_size"), p.InputSize);
        Assert.Equal(row.GetProperty("crop_pct").GetDouble(), p.CropPct);
        Assert.Equal(PretrainedConfig.ParseInterpolation(row.GetProperty("interpolation").GetString()!), p.Interpolation);
        Assert.Equal(Doubles(row, "mean"), p.Mean);
        Assert.Equal(Doubles(row, "std"), p.Std);
        Assert.Equal(row.GetProperty("num_classes").GetInt32(), p.NumClasses);
        Assert.Equal([row.GetProperty("classifier").GetString()!], p.Classifier);
        Assert.Equal(row.GetProperty("first_conv").GetString(), p.FirstConv);
        Assert.Equal(row.GetProperty("fixed_input_size").GetBoolean(), p.FixedInputSize);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Architecture_is_what_timms_entrypoint_builds(string name)
    {
        var row = Rows.Single(r => r.GetProperty("name").GetString() == name);
        var c = Assert.IsType<SwinV2Config>(ModelRegistry.GetConfig(name));
        Assert.Equal(row.GetProperty("img_size").GetInt32(), c.ImgSize);
        Assert.Equal(row.GetProperty("patch_size").GetInt32(), c.PatchSize);
        Assert.Equal(row.GetProperty("embed_dim").GetInt32(), c.EmbedDim);
        Assert.Equal(row.GetProperty("num_classes").GetInt32(), c.NumClasses);
        Assert.Equal(Ints(row, "depths"), c.Depths);
        Assert.Equal(Ints(row, "num_heads"), c.NumHeads);
        Assert.Equal(Ints(row, "pretrained_window_sizes"), c.PretrainedWindowSizes.Take(c.Depths.Count));

        using var model = VisionModels.Create(name, device: new Device(DeviceType.META));
        var windows = Ints(row, "window_size");
        for (int s = 0; s < windows.Length; s++)
        {
            int side = (2 * windows[s]) - 1;    // the effective window (shrunk to small maps) sets the coordinate table
            Assert.Equal([1, side, side, 2], model.get_buffer($"layers.{s}.blocks.0.attn.relative_coords_table")!.shape);
        }
    }

    [Fact]
    public void Coordinate_table_is_log_spaced_and_scaled_by_the_pretrained_window()
    {
        using var table = WindowAttentionV2.CoordsTable(4, 0, null);
        // offsets -3..3 over (4 - 1), times 8: 8 → sign * log2(9) / 3 at the corners, 0 in the middle
        Assert.Equal(Math.Log2(9) / 3, table[0, 6, 6, 0].item<float>(), 6);
        Assert.Equal(-Math.Log2(9) / 3, table[0, 0, 3, 0].item<float>(), 6);
        Assert.Equal(0.0, table[0, 3, 3, 1].item<float>(), 6);
        using var pretrained = WindowAttentionV2.CoordsTable(4, 7, null);    // 3 / (7 - 1) * 8 = 4 → log2(5) / 3
        Assert.Equal(Math.Log2(5) / 3, pretrained[0, 6, 6, 1].item<float>(), 6);
    }

    [Fact]
    public void Checkpoint_buffers_that_timm_recomputes_are_skipped_on_load()
    {
        // the official checkpoints carry relative_coords_table, relative_position_index and attn_mask; timm's filter drops them
        string path = Path.Combine(Directory.CreateTempSubdirectory("ftv-swinv2-").FullName, "with_buffers.safetensors");
        using var source = TinyModels.WithUnitPostNorms(new SwinTransformerV2(TinyModels.SwinV2));
        string[] buffers = ["layers.0.blocks.1.attn.relative_coords_table", "layers.0.blocks.1.attn.relative_position_index", "layers.0.blocks.1.attn_mask"];
        var tensors = source.state_dict().Concat(buffers.Select(b => KeyValuePair.Create(b, source.get_buffer(b)!.to(float32)))).ToList();
        SafeTensors.Save(path, tensors);
        using var target = new SwinTransformerV2(TinyModels.SwinV2);
        var report = target.LoadWeights(path, new WeightLoadOptions { Strict = true });
        Assert.Equal(buffers.Order(StringComparer.Ordinal), report.Ignored.Order(StringComparer.Ordinal));
        Assert.Empty(report.Unexpected);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        source.eval();
        target.eval();
        var x = randn(2, 3, 32, 32);
        Assert.True(source.call(x).allclose(target.call(x), rtol: 0, atol: 1e-6));
    }

    [Fact]
    public void Overrides_use_timm_kwarg_names()
    {
        var c = (SwinV2Config)ModelRegistry.GetConfig("swinv2_base_window12to16_192to256").WithOverrides(
            new Dictionary<string, string> { ["pretrained_window_sizes"] = "8,8,8,4", ["window_size"] = "8", ["num_classes"] = "10" });
        Assert.Equal([8, 8, 8, 4], c.PretrainedWindowSizes);
        Assert.Equal(8, c.WindowSize);
        Assert.Equal(10, c.NumClasses);
        var e = Assert.Throws<ArgumentException>(() => new SwinTransformerV2(TinyModels.SwinV2 with { PretrainedWindowSizes = [4] }));
        Assert.Contains("pretrained_window_sizes", e.Message);
    }
}
