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
    public void Transform_Bicubic_IsRejectedWithAFix()
    {
        using RgbImage source = Source();
        var ex = Assert.Throws<ArgumentException>(() => AffineWarp.Transform(source, AffineMatrix.Identity, 4, 4, Interpolation.Bicubic));
        Assert.Contains("Bilinear", ex.Message);
    }
}
