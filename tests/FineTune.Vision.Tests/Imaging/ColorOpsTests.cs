using System.Globalization;
using FineTune.Vision.Imaging;

namespace FineTune.Vision.Tests.Imaging;

/// <summary>
/// ColorOps against Pillow 9.4 on a downscaled real photograph (fixtures made by
/// Fixtures/Transforms/make_color_ops_fixtures.py).
/// </summary>
public class ColorOpsTests
{
    private const int Width = 48, Height = 32;
    private static readonly string Dir = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Transforms", "color_ops");

    public static TheoryData<string, string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string, string>();
        foreach (string line in File.ReadLines(Path.Combine(Dir, "color_ops.txt")))
        {
            if (line.StartsWith('#')) continue;
            string[] p = line.Split(' ');
            data.Add(p[0], p[1], p[2], p[3]);
        }
        return data;
    }

    internal static RgbImage Load(string file) => new(Width, Height, File.ReadAllBytes(Path.Combine(Dir, file)));

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPillow(string input, string op, string arg, string expectedFile)
    {
        using RgbImage image = Load(input + ".rgb");
        double a = arg == "-" ? double.NaN : double.Parse(arg, CultureInfo.InvariantCulture);
        Apply(image, op, a);
        byte[] expected = File.ReadAllBytes(Path.Combine(Dir, expectedFile));
        ReadOnlySpan<byte> actual = image.Pixels;
        int maxDiff = 0, mismatches = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            int d = Math.Abs(actual[i] - expected[i]);
            maxDiff = Math.Max(maxDiff, d);
            if (d != 0) mismatches++;
        }
        // The ports are bit-exact (Pillow's single-precision blend and filter arithmetic are reproduced).
        Assert.True(mismatches == 0, $"{op}({arg}) on {input}: {mismatches} values differ, by up to {maxDiff}");
    }

    private static void Apply(RgbImage image, string op, double arg)
    {
        switch (op)
        {
            case "invert": ColorOps.Invert(image); break;
            case "posterize": ColorOps.Posterize(image, (int)arg); break;
            case "solarize": ColorOps.Solarize(image, arg); break;
            case "solarize_add": ColorOps.SolarizeAdd(image, (int)arg); break;
            case "equalize": ColorOps.Equalize(image); break;
            case "autocontrast": ColorOps.AutoContrast(image); break;
            case "brightness": ColorOps.Brightness(image, arg); break;
            case "contrast": ColorOps.Contrast(image, arg); break;
            case "color": ColorOps.Color(image, arg); break;
            case "sharpness": ColorOps.Sharpness(image, arg); break;
            default: throw new ArgumentException($"Unknown op '{op}' in color_ops.txt");
        }
    }

    [Fact]
    public void SharpnessLeavesTheBorderUntouched()
    {
        using RgbImage image = Load("photo.rgb");
        using RgbImage original = image.Clone();
        ColorOps.Sharpness(image, 0.0);
        for (int x = 0; x < Width; x++)
        {
            Assert.Equal(original.Row(0).Slice(x * 3, 3).ToArray(), image.Row(0).Slice(x * 3, 3).ToArray());
            Assert.Equal(original.Row(Height - 1).Slice(x * 3, 3).ToArray(), image.Row(Height - 1).Slice(x * 3, 3).ToArray());
        }
        Assert.NotEqual(original.Row(5).ToArray(), image.Row(5).ToArray());
    }

    [Fact]
    public void FlatImagesAreLeftAloneByEqualizeAndAutoContrast()
    {
        using var image = new RgbImage(5, 4);
        image.Pixels.Fill(77);
        ColorOps.Equalize(image);
        ColorOps.AutoContrast(image);
        Assert.All(image.Pixels.ToArray(), v => Assert.Equal(77, v));
    }

    [Fact]
    public void PosterizeRejectsBitsOutsideZeroToEight()
    {
        using var image = new RgbImage(2, 2);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ColorOps.Posterize(image, 9));
        Assert.Equal("bits", e.ParamName);
    }
}
