using System.Globalization;
using System.Text.Json;
using FineTune.Vision.Models;
using FineTune.Vision.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Tests.Models;

/// <summary>
/// Logits parity with timm's forward paths (STYLE.md section 7 rule 12) for every family: ViT (class/register tokens,
/// no_embed_class, LayerScale, token/avg pooling, fc_norm), DeiT distilled, BEiT, CaiT, Swin and Swin V2 (cosine attention, continuous position bias, pretrained_window_sizes). The peer is real
/// timm (v1.0.28 source on Debian's torch 1.13), run by Fixtures/Models/make_parity_fixtures.py: each case is a
/// registered timm name with timm kwargs, random weights in timm's keys, and timm's features and logits for one
/// shared input batch. (It replaced timm_peer.py, a transcription of timm's forward paths.)
/// </summary>
public sealed class TimmPeerParityTests
{
    private const double Atol = 1e-4;

    private static readonly string Dir = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Models", "parity");

    private static readonly Lazy<Dictionary<string, ParityCase>> Cases = new(ReadCases);

    private sealed record ParityCase(string Case, string Model, string Family, Dictionary<string, string> Overrides, string Weights, string Io);

    /// <summary>Every case of the fixture (a guard test checks this list against the fixture's).</summary>
    private static readonly string[] CaseList =
        ["vit_token", "vit_reg_avg_ls", "vit_nocls_avg", "deit_distilled", "beit_relpos_avg", "beit_abs_token", "cait", "swin", "swin_pad", "swinv2", "swinv2_pretrained_ws"];

    /// <summary><see cref="CaseList"/> for the theories.</summary>
    public static TheoryData<string> CaseNames => new(CaseList);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Features_and_logits_match_the_timm_peer(string caseName)
    {
        var c = Cases.Value[caseName];
        using var model = LoadStrict(c, out var report);
        Assert.Equal(CheckpointLayout.Timm, report.Layout);
        Assert.Empty(report.Resampled);
        Assert.Empty(report.ClassifierDropped);

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using StateDict input = SafeTensors.Load(Path.Combine(Dir, "input.safetensors"));
        using StateDict expected = SafeTensors.Load(Path.Combine(Dir, c.Io));
        var features = model.ForwardFeatures(input["input"]);
        AssertClose(expected["features"], features, $"{caseName} features");
        AssertClose(expected["logits"], model.ForwardHead(features), $"{caseName} logits");
        AssertClose(expected["logits"], model.call(input["input"]), $"{caseName} forward");
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void State_dict_keys_and_shapes_equal_the_timm_peers(string caseName)
    {
        var c = Cases.Value[caseName];
        using var model = VisionModels.Create<ModelConfig>(c.Model, cfg => cfg.WithOverrides(c.Overrides));
        AssertSameKeysAndShapes(c.Weights, model, caseName);
    }

    [Fact]
    public void Init_values_zero_adds_no_layer_scale_as_in_timm()
    {
        var c = Cases.Value["vit_token"];
        using var model = VisionModels.Create<ModelConfig>(c.Model, cfg => cfg.WithOverrides(new Dictionary<string, string>(c.Overrides) { ["init_values"] = "0" }));
        AssertSameKeysAndShapes(c.Weights, model, "vit_token with init_values=0");
    }

    [Fact]
    public void Distilled_deit_heads_match_the_timm_peer_before_averaging()
    {
        var c = Cases.Value["deit_distilled"];
        using var model = LoadStrict(c, out _);
        var deit = Assert.IsType<VisionTransformerDistilled>(model);

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using StateDict input = SafeTensors.Load(Path.Combine(Dir, "input.safetensors"));
        using StateDict expected = SafeTensors.Load(Path.Combine(Dir, c.Io));
        var (logits, distLogits) = deit.ForwardDistilled(input["input"]);
        AssertClose(expected["logits_head"], logits, "head");
        AssertClose(expected["logits_dist"], distLogits, "head_dist");
        Assert.False(logits.allclose(distLogits, rtol: 0, atol: 1e-2), "the two heads should differ, or averaging is not tested");
    }

    [Fact]
    public void Every_family_has_parity_cases_and_every_case_is_tested()
    {
        var cases = Cases.Value.Values.ToList();
        Assert.Equal(["beit", "cait", "deit", "swin", "swinv2", "vit"], cases.Select(c => c.Family).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(cases.Select(c => c.Case).Order(StringComparer.Ordinal), CaseList.Order(StringComparer.Ordinal));
    }

    private static VisionModel LoadStrict(ParityCase c, out LoadReport report)
    {
        var model = VisionModels.Create<ModelConfig>(c.Model, cfg => cfg.WithOverrides(c.Overrides));
        try
        {
            report = model.LoadWeights(Path.Combine(Dir, c.Weights), new WeightLoadOptions { Strict = true });
            model.eval();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The model's state_dict (parameters and persistent buffers) has exactly the peer's keys and shapes.</summary>
    private static void AssertSameKeysAndShapes(string weightsFile, VisionModel model, string what)
    {
        var expected = SafeTensors.ReadHeader(Path.Combine(Dir, weightsFile)).Tensors
            .ToDictionary(t => t.Name, t => string.Join(",", t.Shape), StringComparer.Ordinal);
        var actual = model.state_dict().ToDictionary(kv => kv.Key, kv => string.Join(",", kv.Value.shape), StringComparer.Ordinal);
        Assert.True(expected.Count == actual.Count && expected.All(kv => actual.TryGetValue(kv.Key, out var s) && s == kv.Value),
            $"{what}: only in the model: [{string.Join(", ", actual.Except(expected).Select(kv => $"{kv.Key} ({kv.Value})"))}]; " +
            $"only in timm: [{string.Join(", ", expected.Except(actual).Select(kv => $"{kv.Key} ({kv.Value})"))}]");
    }

    private static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        Assert.True(expected.shape.SequenceEqual(actual.shape),
            $"{what}: shape [{string.Join(", ", actual.shape)}], expected [{string.Join(", ", expected.shape)}]");
        double diff = (actual - expected).abs().max().item<float>();
        Assert.True(diff <= Atol, $"{what}: max |difference| from the timm peer {diff:E2} > {Atol:E0}");
    }

    private static Dictionary<string, ParityCase> ReadCases()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "cases.json")));
        return doc.RootElement.EnumerateArray().Select(e => new ParityCase(
            e.GetProperty("case").GetString()!,
            e.GetProperty("model").GetString()!,
            e.GetProperty("family").GetString()!,
            e.GetProperty("timm_kwargs").EnumerateObject().ToDictionary(p => p.Name, p => OverrideValue(p.Value)),
            e.GetProperty("weights").GetString()!,
            e.GetProperty("io").GetString()!)).ToDictionary(c => c.Case, StringComparer.Ordinal);
    }

    /// <summary>A timm kwarg as the registry's override string: lists as "2,2,6", null as "none".</summary>
    private static string OverrideValue(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Array => string.Join(",", v.EnumerateArray().Select(OverrideValue)),
        JsonValueKind.String => v.GetString()!,
        JsonValueKind.Null => "none",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Number => v.GetRawText(),
        _ => throw new FormatException($"Unsupported timm kwarg value {v.GetRawText()}"),
    };
}
