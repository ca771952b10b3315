using FineTune.Vision.Imaging;
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
    /// <summary>One-line usage.</summary>
    public const string Usage = "augment-preview --image IN [--policy rand-m9-mstd0.5-inc1|original|originalr|v0|v0r-mstd0.5|augmix-m3-w3|3a|torchvision-ra|autoaugment|trivialaugment|seed000] [--size N] [--count N] [--seed N] --output GRID.png";

    /// <summary>Runs the verb.</summary>
    public static int Run(CommandLine line, TextWriter output)
    {
        string imagePath = line.Required("image"), outputPath = line.Required("output");
        string policy = line.Optional("policy") ?? "rand-m9-mstd0.5-inc1";
        int size = line.Int("size", policy == "seed000" ? 384 : 224), count = line.Int("count", 8), seed = line.Int("seed", 0);
        line.RejectUnknown();
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

    /// <summary>The policy named by a preview SPEC.</summary>
    public static ITransform Policy(string spec) => spec switch
    {
        "torchvision-ra" => new TorchvisionRandAugment(),
        "autoaugment" => new AutoAugment(),
        "trivialaugment" => new TrivialAugmentWide(),
        _ when spec.StartsWith("rand", StringComparison.Ordinal) => new RandAugment(RandAugmentOptions.Parse(spec)),
        _ when TimmAutoAugment.IsConfig(spec) => TimmAutoAugment.FromConfig(spec),
        _ when AugMix.IsConfig(spec) => AugMix.FromConfig(spec),
        _ => throw new UsageException($"augment-preview: unknown policy '{spec}'; use a timm string such as rand-m9-mstd0.5-inc1, original, v0r-mstd0.5 or augmix-m3-w3, or torchvision-ra, autoaugment, trivialaugment, 3a or seed000."),
    };

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
