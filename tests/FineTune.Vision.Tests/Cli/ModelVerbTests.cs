using FineTune.Vision.Cli;
using FineTune.Vision.Weights;
using TorchSharp;

namespace FineTune.Vision.Tests.Cli;

/// <summary>The CLI's <c>logits</c> and <c>inspect</c> verbs on the torchvision peer fixtures (Fixtures/Weights/make_fixtures.py).</summary>
public sealed class ModelVerbTests : IDisposable
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Weights");
    private readonly string _dir = Directory.CreateTempSubdirectory("ftv-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly string[] TinyVit =
        ["--model", "vit_tiny_patch16_224", "--set", "img_size=32", "--set", "patch_size=8", "--set", "embed_dim=32",
         "--set", "depth=2", "--set", "num_heads=2", "--set", "mlp_ratio=2", "--set", "num_classes=5"];

    private static readonly string[] TinySwin =
        ["--model", "swin_tiny_patch4_window7_224", "--set", "img_size=32", "--set", "embed_dim=16", "--set", "depths=2,2",
         "--set", "num_heads=1,2", "--set", "window_size=4", "--set", "num_classes=5"];

    [Theory]
    [InlineData("vit", "vit_tv.pth")]
    [InlineData("vit", "vit_timm.safetensors")]
    [InlineData("vit", "vit_hf.safetensors")]
    [InlineData("swin", "swin_tv.pth")]
    [InlineData("swin", "swin_timm.safetensors")]
    public void Logits_match_the_peer_for_every_layout(string family, string weights)
    {
        string output = Path.Combine(_dir, "logits.safetensors");
        var log = new StringWriter();
        string[] args = [.. new[] { "logits" }, .. family == "vit" ? TinyVit : TinySwin,
            "--weights", Path.Combine(Fixtures, weights), "--input", Path.Combine(Fixtures, $"{family}_io.safetensors"), "--output", output, "--strict"];

        Assert.Equal(0, LogitsVerb.Run(CliApp.Parse(args), log));

        using var scope = torch.NewDisposeScope();
        using StateDict actual = SafeTensors.Load(output), expected = SafeTensors.Load(Path.Combine(Fixtures, $"{family}_io.safetensors"));
        Assert.True(actual["logits"].allclose(expected["logits"], rtol: 0, atol: 1e-4), log.ToString());
    }

    [Fact]
    public void Inspect_reports_format_naming_and_shapes()
    {
        var output = new StringWriter();
        Assert.Equal(0, InspectVerb.Run(CliApp.Parse(["inspect", "--weights", Path.Combine(Fixtures, "vit_tv.pth"), "--keys", "3"]), output));
        string text = output.ToString();
        Assert.Contains("PyTorchZip", text);
        Assert.Contains("TorchVision", text);
        Assert.Contains("tensors:    32", text);
        Assert.Contains("conv_proj.weight", text);
        Assert.Contains("[32, 3, 8, 8]", text);
    }

    [Fact]
    public void Logits_names_a_missing_input_tensor()
    {
        string input = Path.Combine(_dir, "in.safetensors");
        using (var scope = torch.NewDisposeScope())
            SafeTensors.Save(input, [new KeyValuePair<string, torch.Tensor>("pixels", torch.zeros(1, 3, 32, 32))]);
        string[] args = [.. new[] { "logits" }, .. TinyVit, "--weights", Path.Combine(Fixtures, "vit_timm.safetensors"),
            "--input", input, "--output", Path.Combine(_dir, "out.safetensors")];
        var e = Assert.Throws<InvalidDataException>(() => LogitsVerb.Run(CliApp.Parse(args), TextWriter.Null));
        Assert.Contains("'input'", e.Message);
        Assert.Contains("pixels", e.Message);
    }
}
