using FineTune.Vision.Imaging;
using FineTune.Vision.Transforms;

namespace FineTune.Vision.Tests.Transforms;

public class CenterCropTests
{
    [Theory]
    [InlineData(41, 41, "chelsea.center41.png")]
    [InlineData(80, 100, "chelsea.center80x100.png")]      // larger than 96x64: padded with black first
    public void Apply_MatchesTorchvision(int height, int width, string fixture)
    {
        using RgbImage expected = TransformFixtures.Load(fixture);
        using RgbImage actual = new CenterCrop(height, width).Apply(TransformFixtures.Chelsea(), new Random(0));
        Assert.True(TransformFixtures.SamePixels(expected, actual));
    }

    [Theory]
    [InlineData(5, 2, 2)]   // round(1.5) = 2
    [InlineData(7, 2, 2)]   // round(2.5) = 2 (half to even, as Python)
    [InlineData(6, 3, 2)]   // round(1.5) = 2
    public void Region_RoundsHalfToEven(int imageSide, int crop, int expectedOffset) =>
        Assert.Equal(expectedOffset, CenterCrop.Region(imageSide, imageSide, crop, crop).X);
}
