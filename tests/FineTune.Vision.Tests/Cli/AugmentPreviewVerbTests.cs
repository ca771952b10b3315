using FineTune.Vision.Cli;
using FineTune.Vision.Imaging;

namespace FineTune.Vision.Tests.Cli;

public sealed class AugmentPreviewVerbTests : IDisposable
{
    private static readonly string Photo = Path.Combine(ArchitectureTests.RepoRoot(), "samples", "data", "images", "chelsea.jpg");
    private readonly string _dir = Directory.CreateTempSubdirectory("ftv-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("rand-m9-mstd0.5-inc1")]
    [InlineData("torchvision-ra")]
    [InlineData("autoaugment")]
    [InlineData("trivialaugment")]
    [InlineData("seed000")]
    [InlineData("original")]
    [InlineData("v0r-mstd0.5")]
    [InlineData("augmix-m3-w3")]
    [InlineData("3a")]
    public void Writes_a_grid_of_distinct_versions(string policy)
    {
        string output = Path.Combine(_dir, "grid.png");
        Assert.Equal(0, AugmentPreviewVerb.Run(CliApp.Parse(
            ["augment-preview", "--image", Photo, "--policy", policy, "--size", "48", "--count", "4", "--seed", "3", "--output", output]), TextWriter.Null));
        using RgbImage grid = ImageDecoder.Decode(output);
        Assert.True(grid.Width > 48 * 2 && grid.Height >= 48, $"grid {grid.Width}x{grid.Height}");
    }

    [Fact]
    public void Same_seed_same_grid_and_unknown_policy_is_named()
    {
        string a = Path.Combine(_dir, "a.png"), b = Path.Combine(_dir, "b.png");
        foreach (string output in new[] { a, b })
            AugmentPreviewVerb.Run(CliApp.Parse(["augment-preview", "--image", Photo, "--policy", "seed000", "--size", "40", "--count", "3", "--output", output]), TextWriter.Null);
        Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(b));

        var e = Assert.Throws<UsageException>(() => AugmentPreviewVerb.Run(CliApp.Parse(
            ["augment-preview", "--image", Photo, "--policy", "mixup", "--output", a]), TextWriter.Null));
        Assert.Contains("'mixup'", e.Message);
    }
}
