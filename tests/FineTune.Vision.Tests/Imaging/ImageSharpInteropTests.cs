using FineTune.Vision.Data;
using FineTune.Vision.Imaging;
using FineTune.Vision.Optim;
using FineTune.Vision.Tests.Training;
using FineTune.Vision.Training;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace FineTune.Vision.Tests.Imaging;

/// <summary><see cref="ImageSharpInterop"/> conversions, <see cref="ImageSharpDataset"/>, and the decoder options of the datasets.</summary>
public class ImageSharpInteropTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(33, 17)]
    [InlineData(500, 375)]
    public void Rgb_image_to_ImageSharp_and_back_is_exact(int width, int height)
    {
        using RgbImage original = ImagingFixtures.Noise(width, height, seed: width * 7 + height);
        using Image<Rgb24> sharp = original.ToImageSharp();
        Assert.Equal((width, height), (sharp.Width, sharp.Height));
        for (int y = 0; y < height; y += Math.Max(1, height / 5))
            for (int x = 0; x < width; x += Math.Max(1, width / 5))
            {
                Rgb24 p = sharp[x, y];
                int i = (y * width + x) * 3;
                Assert.Equal((original.Pixels[i], original.Pixels[i + 1], original.Pixels[i + 2]), (p.R, p.G, p.B));
            }
        using RgbImage back = sharp.ToRgbImage();
        Assert.Equal(original.Pixels.ToArray(), back.Pixels.ToArray());
        using RgbImage viaBase = ((Image)sharp).ToRgbImage();
        Assert.Equal(original.Pixels.ToArray(), viaBase.Pixels.ToArray());
    }

    [Fact]
    public void Other_pixel_types_convert_per_pixel_dropping_alpha()
    {
        using var rgba = new Image<Rgba32>(3, 2);
        rgba[0, 0] = new Rgba32(10, 20, 30, 0);
        rgba[2, 1] = new Rgba32(200, 100, 50, 128);
        using RgbImage fromRgba = ((Image)rgba).ToRgbImage();
        Assert.Equal(new byte[] { 10, 20, 30 }, fromRgba.Pixels[..3].ToArray());
        Assert.Equal(new byte[] { 200, 100, 50 }, fromRgba.Pixels[^3..].ToArray());

        using var gray = new Image<L8>(2, 1);
        gray[1, 0] = new L8(77);
        using RgbImage fromGray = ((Image)gray).ToRgbImage();
        Assert.Equal(new byte[] { 0, 0, 0, 77, 77, 77 }, fromGray.Pixels.ToArray());

        // A pixel type without a direct case goes through CloneAs<Rgb24>: the same values as ImageSharp's own conversion.
        using var packed = new Image<Bgr565>(4, 3);
        packed[1, 2] = new Bgr565(1f, 0.5f, 0.25f);
        using Image<Rgb24> reference = packed.CloneAs<Rgb24>();
        using RgbImage fromPacked = ((Image)packed).ToRgbImage();
        using RgbImage expected = reference.ToRgbImage();
        Assert.Equal(expected.Pixels.ToArray(), fromPacked.Pixels.ToArray());
        Assert.NotEqual(0, fromPacked.Pixels[(2 * 4 + 1) * 3]);
    }

    [Fact]
    public void A_disposed_rgb_image_is_refused()
    {
        var image = new RgbImage(2, 2);
        image.Dispose();
        Assert.Throws<ObjectDisposedException>(() => image.ToImageSharp());
    }

    [Fact]
    public void Dataset_over_ImageSharp_images_loads_exact_copies_and_trains_a_step_through_the_loader()
    {
        using var threads = TrainingFixtures.SingleThread();
        IImageDataset fashion = TrainingFixtures.FashionTrain(8);
        var images = new List<Image>();
        var labels = new List<int>();
        var originals = new List<RgbImage>();
        try
        {
            for (int i = 0; i < fashion.Count; i++)
            {
                RgbImage rgb = fashion.Load(i);
                originals.Add(rgb);
                using Image<Rgb24> sharp = rgb.ToImageSharp();
                images.Add(i % 2 == 0 ? sharp.Clone() : sharp.CloneAs<Rgba32>()); // mixed pixel types
                labels.Add(fashion.GetLabel(i));
            }
            var dataset = new ImageSharpDataset(images, labels, fashion.ClassNames, "fashion as ImageSharp");
            Assert.Equal(fashion.Count, dataset.Count);
            for (int i = 0; i < dataset.Count; i++)
            {
                using RgbImage loaded = dataset.Load(i);
                Assert.Equal(originals[i].Pixels.ToArray(), loaded.Pixels.ToArray());
                Assert.Equal(labels[i], dataset.GetLabel(i));
            }
            Assert.Equal("fashion as ImageSharp, image 3", dataset.DescribeSource(3));
            Assert.Throws<ArgumentException>(() => new ImageSharpDataset(images, [.. labels.Skip(1)], fashion.ClassNames));
            Assert.Throws<ArgumentException>(() => new ImageSharpDataset(images, [.. labels.Select(_ => 99)], fashion.ClassNames));

            using var model = TrainingFixtures.Model(TrainingFixtures.MicroVit);
            float[] before = model.parameters().First().data<float>().ToArray();
            using var loader = TrainingFixtures.Loader(TrainingFixtures.Encode(dataset, 8), batchSize: 8, shuffle: false);
            using var trainer = new Trainer(model, new TrainerOptions { Epochs = 1, Optimizer = Optimizers.AdamW(1e-2) });
            trainer.Fit(loader);
            Assert.Equal(1, trainer.Context.Step);
            Assert.NotEqual(before, model.parameters().First().data<float>().ToArray());
        }
        finally
        {
            foreach (var image in images) image.Dispose();
            foreach (var image in originals) image.Dispose();
        }
    }

    /// <summary>Counts its calls and decodes with Skia.</summary>
    private sealed class CountingDecoder : IImageDecoder
    {
        public int Calls;

        public RgbImage Decode(ReadOnlySpan<byte> encoded, string sourceName, long maxPixels)
        {
            Interlocked.Increment(ref Calls);
            return SkiaImageDecoder.Instance.Decode(encoded, sourceName, maxPixels);
        }
    }

    [Fact]
    public void File_datasets_decode_with_the_decoder_they_are_given()
    {
        string file = ImagingFixtures.Path("decode", "photo.jpg");
        var dataset = new FileImageDataset([file, file], [0, 1], ["a", "b"]);
        Assert.Null(dataset.Decoder);
        var counting = new CountingDecoder();
        FileImageDataset counted = dataset.WithDecoder(counting);
        Assert.Same(counting, counted.Decoder);
        Assert.Null(dataset.Decoder);
        Assert.Equal(dataset.Paths, counted.Paths);
        Assert.Equal(1, counted.GetLabel(1));
        using (RgbImage a = counted.Load(0))
        using (RgbImage b = dataset.Load(0))
            Assert.Equal(b.Pixels.ToArray(), a.Pixels.ToArray());
        Assert.Equal(1, counting.Calls);

        using RgbImage sharp = dataset.WithDecoder(ImageSharpImageDecoder.Instance).Load(1);
        Assert.Equal(1, counting.Calls);
        Assert.True(sharp.Width > 0);
    }
}
