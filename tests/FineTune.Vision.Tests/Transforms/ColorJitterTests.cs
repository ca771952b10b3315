using FineTune.Vision.Imaging;
using FineTune.Vision.Transforms;

namespace FineTune.Vision.Tests.Transforms;

public class ColorJitterTests
{
    [Fact]
    public void Sample_DrawsAPermutationAndFactorsInRange()
    {
        var jitter = new ColorJitter(brightness: 0.4, contrast: 0.2, saturation: 0.6, hue: 0.1);
        var firstOps = new HashSet<int>();
        for (int seed = 0; seed < 200; seed++)
        {
            ColorJitterParameters p = jitter.Sample(8, 8, new Random(seed));
            Assert.Equal(new[] { 0, 1, 2, 3 }, Enumerable.Range(0, 4).Select(p.OpAt).Order());
            firstOps.Add(p.OpAt(0));
            Assert.InRange(p.Brightness!.Value, 0.6, 1.4);
            Assert.InRange(p.Contrast!.Value, 0.8, 1.2);
            Assert.InRange(p.Saturation!.Value, 0.4, 1.6);
            Assert.InRange(p.Hue!.Value, -0.1, 0.1);
        }
        Assert.Equal(4, firstOps.Count);
    }

    [Fact]
    public void Apply_FollowsTheDrawnOrder()
    {
        var jitter = new ColorJitter(brightness: 0.5, saturation: 0.5);
        var brightnessFirst = new ColorJitterParameters(0 | 2 << 2 | 1 << 4 | 3 << 6, 1.4, null, 0.3, null);
        using RgbImage actual = jitter.Apply(TransformFixtures.Chelsea(), brightnessFirst);
        using RgbImage expected = TransformFixtures.Chelsea();
        ColorOps.Brightness(expected, 1.4);
        ColorOps.Color(expected, 0.3);
        Assert.True(TransformFixtures.SamePixels(expected, actual));
        using RgbImage reversed = TransformFixtures.Chelsea();
        ColorOps.Color(reversed, 0.3);
        ColorOps.Brightness(reversed, 1.4);
        Assert.False(TransformFixtures.SamePixels(reversed, actual));     // order matters because brightness clips
    }

    [Fact]
    public void ZeroJitter_IsIdentity()
    {
        using RgbImage expected = TransformFixtures.Chelsea();
        using RgbImage actual = new ColorJitter().Apply(TransformFixtures.Chelsea(), new Random(5));
        Assert.True(TransformFixtures.SamePixels(expected, actual));
    }
}
