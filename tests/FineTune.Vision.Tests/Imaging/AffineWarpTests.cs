using FineTune.Vision.Imaging;

namespace FineTune.Vision.Tests.Imaging;

public class AffineWarpTests
{
    private static RgbImage Source() => ImagingFixtures.Load("resize", "chelsea.png");

    private static void AssertSame(RgbImage actual, string fixture)
    {
        using RgbImage expected = ImagingFixtures.Load("warp", fixture);
        (double mean, int max) = ImagingFixtures.Difference(actual, expected);
        Assert.True(max == 0, $"{fixture}: mean {mean:F4}, max {max}; expected Pillow's exact output");
    }

    [Theory]
    [InlineData(30.0, Interpolation.Bilinear, 10, 20, 30, "rotate30.bilinear.png")]
    [InlineData(-17.5, Interpolation.Nearest, 0, 0, 0, "rotate-17.5.nearest.png")]
    [InlineData(180.0, Interpolation.Bilinear, 0, 0, 0, "rotate180.bilinear.png")]
    [InlineData(90.0, Interpolation.Bilinear, 0, 0, 0, "rotate90.bilinear.png")]
    [InlineData(30.0, Interpolation.Bicubic, 10, 20, 30, "rotate30.bicubic.png")]
    [InlineData(-17.5, Interpolation.Bicubic, 0, 0, 0, "rotate-17.5.bicubic.png")]
    public void Rotate_MatchesPillow(double degrees, Interpolation interpolation, byte r, byte g, byte b, string fixture)
    {
        using RgbImage source = Source();
        using RgbImage rotated = AffineWarp.Rotate(source, degrees, interpolation, new RgbColor(r, g, b));
        AssertSame(rotated, fixture);
    }

    [Fact]
    public void Transform_ShearAndTranslate_MatchPillow()
    {
        using RgbImage source = Source();
        using RgbImage shear = AffineWarp.Transform(source, new AffineMatrix(1, 0.3, 0, 0, 1, 0), 96, 64, Interpolation.Bilinear, RgbColor.Gray(128));
        AssertSame(shear, "shearx0.3.bilinear.png");
        using RgbImage shift = AffineWarp.Transform(source, new AffineMatrix(1, 0, -9, 0, 1, 0), 96, 64, Interpolation.Nearest, RgbColor.Gray(128));
        AssertSame(shift, "translatex-9.nearest.png");
    }

    [Theory]
    [InlineData(1, 0.3, 0, 0, 1, 0, "shearx0.3.bicubic.png")]
    [InlineData(1, 0, -9.4, 0, 1, 5.3, "translate-9.4y5.3.bicubic.png")]
    public void Transform_Bicubic_MatchesPillow(double a, double b, double c, double d, double e, double f, string fixture)
    {
        using RgbImage source = Source();
        using RgbImage warped = AffineWarp.Transform(source, new AffineMatrix(a, b, c, d, e, f), 96, 64, Interpolation.Bicubic, RgbColor.Gray(128));
        AssertSame(warped, fixture);
    }

    [Theory]
    [InlineData(Interpolation.Bicubic, "tv_affine.bicubic.png")]
    [InlineData(Interpolation.Bilinear, "tv_affine.bilinear.png")]
    [InlineData(Interpolation.Nearest, "tv_affine.nearest.png")]
    public void TorchvisionAffine_MatchesTorchvision(Interpolation interpolation, string fixture)
    {
        using RgbImage source = Source();
        var m = AffineMatrix.TorchvisionInverse(48, 32, angle: 12, translateX: 5, translateY: -3, scale: 1.1, shearX: 8, shearY: -4);
        using RgbImage warped = AffineWarp.Transform(source, m, 96, 64, interpolation);
        AssertSame(warped, fixture);
    }

    [Fact]
    public void Transform_Bicubic_UsesPillowsCubicAndClampsOvershoot()
    {
        // Columns 0-3 black, 4-7 white, read 0.3 px to the right. Pillow's transform cubic is Keys' a = -1 kernel
        // (not the resize filter's a = -0.5): worked by hand, x = 2 gives -16.07 and x = 4 gives 292.49, which Pillow
        // clamps to 0 and 255 (a byte cast would wrap them to 240 and 36); x = 3 gives 0.3 * 255 = 76.5 -> 76
        // (a = -0.5 would give 65).
        using var edge = new RgbImage(8, 4);
        for (int y = 0; y < 4; y++)
            edge.Pixels.Slice((y * 8 + 4) * 3, 12).Fill(255);
        using RgbImage shifted = AffineWarp.Transform(edge, new AffineMatrix(1, 0, 0.3, 0, 1, 0), 8, 4, Interpolation.Bicubic);
        byte[] expected = [0, 0, 0, 0, 0, 0, 0, 0, 0, 76, 76, 76, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255];
        for (int y = 0; y < 4; y++)
            Assert.Equal(expected, shifted.Pixels.Slice(y * 24, 24).ToArray());
    }
}
