using FineTune.Vision.Imaging;
using FineTune.Vision.Transforms;

namespace FineTune.Vision.Tests.Transforms;

public class RandomAffineTests
{
    [Fact]
    public void Apply_WithTorchvisionParameters_MatchesTorchvisionAffine()
    {
        var affine = new RandomAffine(new RandomAffineOptions { Interpolation = Interpolation.Bilinear });
        using RgbImage actual = affine.Apply(TransformFixtures.Chelsea(), new AffineParameters(12, 5, -3, 1.1, 8, -4));
        using RgbImage expected = ImageDecoder.Decode(TransformFixtures.Path("Imaging", "warp", "tv_affine.bilinear.png"));
        Assert.True(TransformFixtures.SamePixels(expected, actual));
    }

    [Fact]
    public void Sample_RespectsEveryRange()
    {
        var affine = new RandomAffine(new RandomAffineOptions
        {
            Degrees = (-10, 20), Translate = (0.1, 0.25), Scale = (0.9, 1.2), ShearX = (-5, 5), ShearY = (1, 2),
        });
        for (int seed = 0; seed < 300; seed++)
        {
            AffineParameters p = affine.Sample(100, 40, new Random(seed));
            Assert.InRange(p.Angle, -10, 20);
            Assert.InRange(p.TranslateX, -10, 10);
            Assert.InRange(p.TranslateY, -10, 10);
            Assert.InRange(p.Scale, 0.9, 1.2);
            Assert.InRange(p.ShearX, -5, 5);
            Assert.InRange(p.ShearY, 1, 2);
        }
        Assert.Equal(new AffineParameters(0, 0, 0, 1, 0, 0), new RandomAffine(new RandomAffineOptions()).Sample(10, 10, new Random(1)));
    }

    [Fact]
    public void RandomRotation_AppliesPillowRotate()
    {
        var rotation = new RandomRotation(25, 35, Interpolation.Bilinear, new RgbColor(10, 20, 30));
        double angle = rotation.Sample(96, 64, new Random(4));
        Assert.InRange(angle, 25, 35);
        using RgbImage actual = rotation.Apply(TransformFixtures.Chelsea(), 30.0);
        using RgbImage expected = ImageDecoder.Decode(TransformFixtures.Path("Imaging", "warp", "rotate30.bilinear.png"));
        Assert.True(TransformFixtures.SamePixels(expected, actual));
    }

    [Theory]
    [InlineData(Interpolation.Bicubic, "tv_affine.bicubic.png")]
    [InlineData(Interpolation.Nearest, "tv_affine.nearest.png")]
    public void Apply_OtherFilters_MatchTorchvisionAffine(Interpolation interpolation, string fixture)
    {
        var affine = new RandomAffine(new RandomAffineOptions { Interpolation = interpolation });
        using RgbImage actual = affine.Apply(TransformFixtures.Chelsea(), new AffineParameters(12, 5, -3, 1.1, 8, -4));
        using RgbImage expected = ImageDecoder.Decode(TransformFixtures.Path("Imaging", "warp", fixture));
        Assert.True(TransformFixtures.SamePixels(expected, actual));
    }

    [Fact]
    public void RandomRotation_Bicubic_AppliesPillowRotate()
    {
        var rotation = new RandomRotation(30, 30, Interpolation.Bicubic, new RgbColor(10, 20, 30));
        using RgbImage actual = rotation.Apply(TransformFixtures.Chelsea(), rotation.Sample(96, 64, new Random(0)));
        using RgbImage expected = ImageDecoder.Decode(TransformFixtures.Path("Imaging", "warp", "rotate30.bicubic.png"));
        Assert.True(TransformFixtures.SamePixels(expected, actual));
    }

    [Fact]
    public void Options_RejectAnUndefinedFilter()
    {
        var e = Assert.Throws<ArgumentException>(() => new RandomAffine(new RandomAffineOptions { Interpolation = (Interpolation)7 }));
        Assert.Contains("Interpolation", e.Message);
        Assert.Throws<ArgumentException>(() => new RandomRotation(10, (Interpolation)7));
    }
}
