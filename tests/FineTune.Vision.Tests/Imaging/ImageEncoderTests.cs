using FineTune.Vision.Imaging;

namespace FineTune.Vision.Tests.Imaging;

public class ImageEncoderTests
{
    [Fact]
    public void Png_RoundTripsExactly()
    {
        using RgbImage image = ImagingFixtures.Noise(17, 9, seed: 3);
        using RgbImage back = ImageDecoder.Decode(ImageEncoder.EncodePng(image), "roundtrip.png");
        Assert.True(image.Pixels.SequenceEqual(back.Pixels));
    }

    [Fact]
    public void Jpeg_RoundTripsClosely()
    {
        using RgbImage photo = ImagingFixtures.Load("resize", "coffee.png");
        using RgbImage back = ImageDecoder.Decode(ImageEncoder.EncodeJpeg(photo, 95), "roundtrip.jpg");
        (double mean, _) = ImagingFixtures.Difference(photo, back);
        Assert.InRange(mean, 0.0, 6.0);                 // 4:2:0 chroma subsampling on a detailed 96x64 photo
        using var red = new RgbImage(16, 16);
        GeometryOps.FillInPlace(red, new RgbColor(250, 5, 5));
        using RgbImage redBack = ImageDecoder.Decode(ImageEncoder.EncodeJpeg(red, 95), "red.jpg");
        Assert.InRange(redBack.Pixels[0], (byte)240, (byte)255);
        Assert.InRange(redBack.Pixels[2], (byte)0, (byte)15);
    }

    [Fact]
    public void Save_PicksFormatByExtension_AndRejectsUnknown()
    {
        using RgbImage image = ImagingFixtures.Noise(8, 8, seed: 4);
        string dir = Path.Combine(Path.GetTempPath(), "ftv-encoder-" + Guid.NewGuid().ToString("N"));
        try
        {
            ImageEncoder.Save(image, Path.Combine(dir, "a.PNG"));
            ImageEncoder.Save(image, Path.Combine(dir, "b.jpeg"));
            Assert.Equal(0x89, File.ReadAllBytes(Path.Combine(dir, "a.PNG"))[0]);
            Assert.Equal(0xFF, File.ReadAllBytes(Path.Combine(dir, "b.jpeg"))[0]);
            var ex = Assert.Throws<ArgumentException>(() => ImageEncoder.Save(image, Path.Combine(dir, "c.tiff")));
            Assert.Contains(".tiff", ex.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
