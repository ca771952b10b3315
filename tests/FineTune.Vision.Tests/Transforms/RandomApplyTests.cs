using FineTune.Vision.Imaging;
using FineTune.Vision.Transforms;

namespace FineTune.Vision.Tests.Transforms;

public class RandomApplyTests
{
    private static int CountFlips(double p, int n)
    {
        var gate = new RandomApply(new HorizontalFlip(), p);
        int flipped = 0;
        for (int seed = 0; seed < n; seed++)
        {
            using RgbImage image = TransformFixtures.Noise(4, 1, seed: 1);
            byte first = image.Pixels[0];
            byte last = image.Pixels[9];
            using RgbImage result = gate.Apply(image, new Random(seed));
            if (result.Pixels[0] == last && result.Pixels[9] == first && first != last) flipped++;
        }
        return flipped;
    }

    [Fact]
    public void Probability_GatesTheTransform()
    {
        Assert.Equal(0, CountFlips(0.0, 200));
        Assert.Equal(200, CountFlips(1.0, 200));
        Assert.InRange(CountFlips(0.5, 1000), 430, 570);
    }

    [Fact]
    public void Probability_OutsideUnitInterval_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomApply(new Grayscale(), 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomApply(new Grayscale(), double.NaN));
    }

    [Fact]
    public void Flips_MirrorTheImage()
    {
        using RgbImage source = TransformFixtures.Chelsea();
        using RgbImage h = new HorizontalFlip().Apply(source.Clone(), new Random(0));
        using RgbImage v = new VerticalFlip().Apply(source.Clone(), new Random(0));
        Assert.Equal(source.Row(10).Slice(0, 3).ToArray(), h.Row(10).Slice(95 * 3, 3).ToArray());
        Assert.True(source.Row(0).SequenceEqual(v.Row(63)));
    }
}
