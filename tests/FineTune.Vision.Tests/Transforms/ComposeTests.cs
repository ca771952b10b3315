using FineTune.Vision.Imaging;
using FineTune.Vision.Transforms;

namespace FineTune.Vision.Tests.Transforms;

public class ComposeTests
{
    /// <summary>A user transform: inverts every byte (the kind of small class a user writes).</summary>
    private sealed class Invert : ITransform
    {
        public RgbImage Apply(RgbImage image, Random rng)
        {
            Span<byte> p = image.Pixels;
            for (int i = 0; i < p.Length; i++) p[i] = (byte)(255 - p[i]);
            return image;
        }
    }

    [Fact]
    public void Compose_RunsInOrder_WithUserTransforms()
    {
        Compose pipeline = new ComposeBuilder().CenterCrop(40).Add(new Invert()).Resize(20, 10, Interpolation.Nearest).Build();
        using RgbImage actual = pipeline.Apply(TransformFixtures.Chelsea(), new Random(0));
        using RgbImage source = TransformFixtures.Chelsea();
        using RgbImage cropped = GeometryOps.Crop(source, new PixelRect(28, 12, 40, 40));
        using RgbImage inverted = new Invert().Apply(cropped.Clone(), new Random(0));
        using RgbImage expected = Resampler.Resize(inverted, 10, 20, Interpolation.Nearest);
        Assert.True(TransformFixtures.SamePixels(expected, actual));
        Assert.Equal(3, pipeline.Transforms.Count);
    }

    [Fact]
    public void Builder_SnapshotsAndWrapsProbabilities()
    {
        var builder = new ComposeBuilder().RandomHorizontalFlip().RandomGrayscale().ColorJitter(0.1, p: 0.8);
        Compose first = builder.Build();
        builder.GaussianBlur(3);
        Assert.Equal(3, first.Transforms.Count);
        Assert.Equal(0.1, Assert.IsType<RandomApply>(first.Transforms[1]).P);
        Assert.IsType<ColorJitter>(Assert.IsType<RandomApply>(first.Transforms[2]).Transform);
        Assert.IsType<GaussianBlur>(builder.Build().Transforms[3]);
    }

    [Fact]
    public void GaussianBlurAndGrayscale_UseTheImagingKernels()
    {
        var blur = new GaussianBlur(5, 0.5, 1.5);
        double sigma = blur.Sample(96, 64, new Random(2));
        Assert.InRange(sigma, 0.5, 1.5);
        using RgbImage source = TransformFixtures.Chelsea();
        using RgbImage expected = BlurOps.GaussianBlur(source, 5, 5, sigma, sigma);
        using RgbImage actual = blur.Apply(source.Clone(), new Random(2));
        Assert.True(TransformFixtures.SamePixels(expected, actual));
        using RgbImage gray = new Grayscale().Apply(source.Clone(), new Random(0));
        Assert.Equal(gray.Pixels[0], gray.Pixels[1]);
        Assert.Equal(ColorOps.Luma(source.Pixels[0], source.Pixels[1], source.Pixels[2]), gray.Pixels[2]);
    }
}
