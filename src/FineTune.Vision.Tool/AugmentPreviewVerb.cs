using System.CommandLine;
using FineTune.Vision.Imaging;
using FineTune.Vision.Recipes;
using FineTune.Vision.Transforms;

namespace FineTune.Vision.Cli;

/// <summary>
/// <c>augment-preview --image IN [--policy SPEC] [--size N] [--count N] [--seed N] --output GRID.png</c>: a PNG grid of
/// the image and N augmented versions. SPEC: a timm RandAugment string (<c>rand-m9-mstd0.5-inc1</c>), a timm AutoAugment
/// string (<c>original</c>, <c>originalr</c>, <c>v0</c>, <c>v0r-mstd0.5</c>), a timm AugMix string (<c>augmix-m3-w3</c>),
/// <c>torchvision-ra</c>, <c>autoaugment</c> (torchvision's), <c>trivialaugment</c>, <c>3a</c> (DeiT III's 3-Augment with its
/// RandomResizedCrop and flip), or <c>seed000</c> (recipe 1's whole training pipeline, without normalisation).
/// </summary>
public static class AugmentPreviewVerb
{
    /// <summary>The <c>augment-preview</c> command.</summary>
    public static Command Command() => Opts.Verb("augment-preview", "A PNG grid of an image and N augmented versions of it.",
    [
        Opts.Text("--image", "The image. Required.", "FILE"),
        Opts.Text("--policy", "rand-m9-mstd0.5-inc1 (default), original, originalr, v0, v0r-mstd0.5, augmix-m3-w3, 3a, torchvision-ra, autoaugment, trivialaugment or seed000.", "SPEC"),
        Opts.Int("--size", "Output size of each version (default 224; seed000: 384)."),
        Opts.Int("--count", "Augmented versions (default 8)."),
        Opts.Int("--seed", "Random seed (default 0)."),
        Opts.Text("--output", "The PNG grid to write. Required.", "GRID.png"),
    ], Run);

    /// <summary>Runs the verb.</summary>
    public static int Run(VerbInput line, TextWriter output)
    {
        string imagePath = line.Required("image"), outputPath = line.Required("output");
        string policy = line.Optional("policy") ?? "rand-m9-mstd0.5-inc1";
        int size = line.Int("size", policy == "seed000" ? 384 : 224), count = line.Int("count", 8), seed = line.Int("seed", 0);
        if (size <= 0 || count <= 0) throw new UsageException($"augment-preview: --size and --count must be positive (were {size} and {count}).");

        ITransform transform = policy switch
        {
            "seed000" => new EncoderAsImage(Presets.UpscaleAugment(size, erasing: 0.25, normalization: Normalization.None)),
            "3a" => Presets.ThreeAugmentBuilder(new ThreeAugmentOptions { Size = size }).Build(),
            _ => new ComposeBuilder().Resize(size, Interpolation.Bicubic).CenterCrop(size).Add(Policy(policy)).Build(),
        };
        using RgbImage image = ImageDecoder.Decode(imagePath);
        AugmentationGrid.SavePng(outputPath, image, transform, count, seed);
        output.WriteLine($"wrote {outputPath}: {count} versions of {image} through {transform}");
        return 0;
    }

    /// <summary>The policy named by a preview SPEC: <c>ftv train --aa</c>'s (<see cref="TrainSetup.Policy"/>).</summary>
    public static ITransform Policy(string spec)
    {
        try { return TrainSetup.Policy(spec); }
        catch (RecipeUsageException) { throw new UsageException($"augment-preview: unknown policy '{spec}'; use a timm string such as rand-m9-mstd0.5-inc1, original, v0r-mstd0.5 or augmix-m3-w3, or torchvision-ra, autoaugment, trivialaugment, 3a or seed000."); }
    }

    /// <summary>Shows what an encoder produces (normalisation None: values in [0, 1]) as an image.</summary>
    private sealed class EncoderAsImage(SampleEncoder encoder) : ITransform
    {
        public RgbImage Apply(RgbImage image, Random rng)
        {
            var (c, h, w) = encoder.SampleShape;
            var chw = new float[c * h * w];
            encoder.Encode(image, chw, rng);
            var result = new RgbImage(w, h);
            Span<byte> rgb = result.Pixels;
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    for (int ch = 0; ch < 3; ch++)
                        rgb[(y * w + x) * 3 + ch] = (byte)Math.Clamp(MathF.Round(chw[(ch * h + y) * w + x] * 255f), 0, 255);
            return result;
        }

        public override string ToString() => encoder.ToString();
    }
}
