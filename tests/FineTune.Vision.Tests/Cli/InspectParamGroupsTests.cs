using System.Text.Json;
using FineTune.Vision.Cli;

namespace FineTune.Vision.Tests.Cli;

/// <summary><c>inspect --model … --param-groups</c>: the library's parameter groups in timm's terms, checked against REAL timm's groups (Fixtures/Adaptation).</summary>
public sealed class InspectParamGroupsTests
{
    [Fact]
    public void Param_groups_print_timms_layer_decay_groups_as_json_rows()
    {
        var output = new StringWriter();
        string[] args =
        [
            "inspect", "--model", "vit_base_patch16_224", "--set", "img_size=32", "--set", "patch_size=8", "--set", "embed_dim=32",
            "--set", "depth=2", "--set", "num_heads=2", "--set", "num_classes=5",
            "--param-groups", "--layer-decay", "0.75", "--weight-decay", "0.05",
        ];
        Assert.Equal(0, InspectVerb.Run(CliApp.Parse(args), output));

        var rows = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        // timm's param_groups_layer_decay on the same model: groups named layer_{id}_{decay|no_decay} in first-parameter order
        Assert.Equal(["layer_0_no_decay", "layer_0_decay", "layer_1_no_decay", "layer_1_decay", "layer_2_no_decay", "layer_2_decay", "layer_3_decay", "layer_3_no_decay"],
            rows.Select(r => r.GetProperty("group").GetString()));
        var timm = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Adaptation", "timm_layer_decay.json")))
            .RootElement.GetProperty("families").GetProperty("vit").GetProperty("params").EnumerateArray()
            .ToDictionary(p => p.GetProperty("name").GetString()!, p => (p.GetProperty("lr_scale").GetDouble(), p.GetProperty("weight_decay").GetDouble()));
        foreach (var row in rows)
            foreach (var name in row.GetProperty("params").EnumerateArray().Select(p => p.GetString()!))
            {
                Assert.Equal(timm[name].Item1, row.GetProperty("lr_scale").GetDouble(), 12);
                Assert.Equal(timm[name].Item2, row.GetProperty("weight_decay").GetDouble());
            }
        Assert.Equal(timm.Count, rows.Sum(r => r.GetProperty("params").GetArrayLength()));
    }
}
