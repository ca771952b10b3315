using FineTune.Vision.Imaging;
using FineTune.Vision.Transforms;

namespace FineTune.Vision.Tests.Transforms;

public class RandomCropTests
{
    [Fact]
    public void Apply_WithPadding_CropsFromThePaddedImage()
    {
        var crop = new RandomCrop(64, 96, padding: 4, paddingMode: PaddingMode.Reflect);
        using RgbImage source = TransformFixtures.Chelsea();
        using RgbImage padded = GeometryOps.Pad(source, 4, 4, 4, 4, PaddingMode.Reflect);
        for (int seed = 0; seed < 20; seed++)
        {
            PixelRect box = crop.Sample(96, 64, new Random(seed));
            Assert.InRange(box.X, 0, 8);
            Assert.InRange(box.Y, 0, 8);
            using RgbImage expected = GeometryOps.Crop(padded, box);
            using RgbImage actual = crop.Apply(source.Clone(), box);
            Assert.True(TransformFixtures.SamePixels(expected, actual));
        }
    }

    [Fact]
    public void PadIfNeeded_PadsTheShortfallOnBothSides()
    {
        var crop = new RandomCrop(80, 100, padIfNeeded: true, fill: RgbColor.Gray(7));
        PixelRect box = crop.Sample(96, 64, new Random(3));
        Assert.InRange(box.X, 0, 8);          // width 96 + 2·4 = 104
        Assert.InRange(box.Y, 0, 32);         // height 64 + 2·16 = 96
        using RgbImage result = crop.Apply(TransformFixtures.Chelsea(), new Random(3));
        Assert.Equal((100, 80), (result.Width, result.Height));
    }

    [Fact]
    public void Sample_TooSmallWithoutPadIfNeeded_ThrowsWithTheFix()
    {
        var ex = Assert.Throws<ArgumentException>(() => new RandomCrop(80, 80).Sample(96, 64, new Random(0)));
        Assert.Contains("padIfNeeded", ex.Message);
    }
}
