using FineTune.Vision.Imaging;
using FineTune.Vision.Transforms;

namespace FineTune.Vision.Tests.Transforms;

public class RandomResizedCropTests
{
    [Fact]
    public void Sample_StaysInsideAndWithinScaleAndRatio()
    {
        var rrc = new RandomResizedCrop(new RandomResizedCropOptions { Size = 32, Scale = (0.2, 0.9), Ratio = (0.5, 2.0) });
        for (int seed = 0; seed < 500; seed++)
        {
            PixelRect box = rrc.Sample(200, 150, new Random(seed));
            box.EnsureInside(200, 150, "box");
            double area = (double)box.Width * box.Height / (200 * 150);
            Assert.InRange(area, 0.2 * 0.9, 0.9 * 1.1);                    // rounding of the sides moves the area slightly
            Assert.InRange((double)box.Width / box.Height, 0.5 * 0.9, 2.0 * 1.1);
        }
    }

    [Fact]
    public void Sample_SpreadsAspectLogUniformly()
    {
        var rrc = new RandomResizedCrop(new RandomResizedCropOptions { Scale = (0.05, 0.1), Ratio = (0.25, 4.0) });
        int wide = 0, n = 2000;
        for (int seed = 0; seed < n; seed++)
        {
            PixelRect box = rrc.Sample(1000, 1000, new Random(seed));
            if (box.Width > box.Height) wide++;
        }
        Assert.InRange(wide, n * 0.45, n * 0.55);                          // log-uniform about ratio 1: half are wide
    }

    [Fact]
    public void Sample_FallsBackToTheCentralCrop_WhenNoTryFits()
    {
        var rrc = new RandomResizedCrop(new RandomResizedCropOptions { Scale = (0.99, 1.0), Ratio = (3.0, 4.0) });
        PixelRect box = rrc.Sample(100, 100, new Random(1));
        Assert.Equal(new PixelRect(0, 33, 100, 33), box);                  // torchvision: h = round(100 / 3), i = (100 - 33) // 2
        Assert.Equal(new PixelRect(25, 0, 50, 100), RandomResizedCrop.CentralFallback(100, 100, (0.25, 0.5)));
        Assert.Equal(new PixelRect(0, 0, 120, 100), RandomResizedCrop.CentralFallback(120, 100, (0.75, 4.0 / 3)));
    }

    [Fact]
    public void Apply_MatchesTorchvisionResizedCrop()
    {
        var rrc = new RandomResizedCrop(72, Interpolation.Bicubic);
        using RgbImage expected = TransformFixtures.Load("chelsea.resized_crop.png");
        using RgbImage actual = rrc.Apply(TransformFixtures.Chelsea(), new PixelRect(11, 5, 50, 40));
        Assert.True(TransformFixtures.SamePixels(expected, actual));
    }

    [Fact]
    public void Apply_IsDeterministicPerSeed()
    {
        var rrc = new RandomResizedCrop(24);
        using RgbImage a = rrc.Apply(TransformFixtures.Chelsea(), new Random(7));
        using RgbImage b = rrc.Apply(TransformFixtures.Chelsea(), new Random(7));
        using RgbImage c = rrc.Apply(TransformFixtures.Chelsea(), new Random(8));
        Assert.True(TransformFixtures.SamePixels(a, b));
        Assert.False(TransformFixtures.SamePixels(a, c));
    }

    [Fact]
    public void Options_AreValidatedTogether()
    {
        var ex = Assert.Throws<ArgumentException>(() => new RandomResizedCrop(new RandomResizedCropOptions { Size = 0, Scale = (0.5, 0.2) }));
        Assert.Contains("Size", ex.Message);
        Assert.Contains("Scale", ex.Message);
    }
}
