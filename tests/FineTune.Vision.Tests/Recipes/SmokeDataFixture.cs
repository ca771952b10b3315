using FineTune.Vision.Recipes;

namespace FineTune.Vision.Tests.Recipes;

/// <summary>One generated Tiny-ImageNet-layout dataset shared by the recipe tests (generation is tested on its own).</summary>
public sealed class SmokeDataFixture : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ftv-recipes-data-").FullName;

    public SmokeDataFixture() => Root = SmokeData.Generate(Path.Combine(_dir, "tiny-imagenet-200"));

    /// <summary>The dataset root (holding wnids.txt).</summary>
    public string Root { get; }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
