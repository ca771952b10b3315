using FineTune.Vision.Imaging;

namespace FineTune.Vision.Tests.Imaging;

public class GeometryOpsTests
{
    /// <summary>A 4x1 image whose red channel is 0,1,2,3 (green 10+x, blue 20+x).</summary>
    private static RgbImage Ramp()
    {
        var image = new RgbImage(4, 1);
        for (int x = 0; x < 4; x++) { image.Pixels[3 * x] = (byte)x; image.Pixels[3 * x + 1] = (byte)(10 + x); image.Pixels[3 * x + 2] = (byte)(20 + x); }
        return image;
    }

    private static byte[] Reds(RgbImage image)
    {
        var reds = new byte[image.Width * image.Height];
        for (int i = 0; i < reds.Length; i++) reds[i] = image.Pixels[3 * i];
        return reds;
    }

    [Theory]
    [InlineData(PaddingMode.Reflect, new byte[] { 3, 2, 1, 0, 1, 2, 3, 2, 1 })]      // np.pad(..., 'reflect')
    [InlineData(PaddingMode.Symmetric, new byte[] { 2, 1, 0, 0, 1, 2, 3, 3, 2 })]    // np.pad(..., 'symmetric')
    [InlineData(PaddingMode.Edge, new byte[] { 0, 0, 0, 0, 1, 2, 3, 3, 3 })]
    [InlineData(PaddingMode.Constant, new byte[] { 9, 9, 9, 0, 1, 2, 3, 9, 9 })]
    public void Pad_FollowsNumpyModes(PaddingMode mode, byte[] expectedReds)
    {
        using RgbImage ramp = Ramp();
        using RgbImage padded = GeometryOps.Pad(ramp, 3, 0, 2, 0, mode, RgbColor.Gray(9));
        Assert.Equal(expectedReds, Reds(padded));
    }

    [Fact]
    public void Pad_Rows_UseFillAndMirror()
    {
        using RgbImage ramp = Ramp();
        using RgbImage constant = GeometryOps.Pad(ramp, 0, 1, 0, 1, PaddingMode.Constant, new RgbColor(5, 6, 7));
        Assert.Equal((4, 3), (constant.Width, constant.Height));
        Assert.Equal(new byte[] { 5, 6, 7 }, constant.Row(0)[..3].ToArray());
        using RgbImage edge = GeometryOps.Pad(ramp, 0, 2, 0, 0, PaddingMode.Edge);
        Assert.True(edge.Row(0).SequenceEqual(ramp.Row(0)));
    }

    [Fact]
    public void Flips_MirrorAndAreInvolutions()
    {
        using RgbImage image = ImagingFixtures.Noise(5, 3, seed: 1);
        using RgbImage original = image.Clone();
        GeometryOps.FlipHorizontalInPlace(image);
        Assert.Equal(original.Row(1).Slice(12, 3).ToArray(), image.Row(1)[..3].ToArray());
        GeometryOps.FlipHorizontalInPlace(image);
        GeometryOps.FlipVerticalInPlace(image);
        Assert.True(original.Row(0).SequenceEqual(image.Row(2)));
        GeometryOps.FlipVerticalInPlace(image);
        Assert.True(original.Pixels.SequenceEqual(image.Pixels));
    }

    [Fact]
    public void Crop_CopiesTheRegion()
    {
        using RgbImage image = ImagingFixtures.Noise(6, 5, seed: 2);
        using RgbImage crop = GeometryOps.Crop(image, new PixelRect(2, 1, 3, 2));
        Assert.True(crop.Row(1).SequenceEqual(image.Row(2).Slice(6, 9)));
    }

    [Fact]
    public void FlipHorizontal_MatchesNaiveMirror_AtEveryWidth()
    {
        foreach (int width in Enumerable.Range(1, 40).Append(96).Append(385))
        {
            using RgbImage image = ImagingFixtures.Noise(width, 2, seed: width);
            using RgbImage original = image.Clone();
            GeometryOps.FlipHorizontalInPlace(image);
            for (int y = 0; y < 2; y++)
                for (int x = 0; x < width; x++)
                    Assert.True(image.Row(y).Slice(3 * x, 3).SequenceEqual(original.Row(y).Slice(3 * (width - 1 - x), 3)), $"width {width}, x {x}");
        }
    }
}
