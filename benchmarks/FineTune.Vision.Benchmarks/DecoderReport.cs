using System.Diagnostics;
using System.Globalization;
using FineTune.Vision.Imaging;
using FineTune.Vision.Transforms;
using SkiaSharp;

namespace FineTune.Vision.Benchmarks;

/// <summary>
/// <c>decoders</c>: SkiaSharp against ImageSharp on the files a fine-tuning run reads — ImageNet-like 500x375 JPEGs,
/// the real Tiny-ImageNet 64x64 JPEGs of the test fixtures, and 500x375 PNG and lossy WebP — decode alone and inside
/// the recipe-1 per-image pipeline (decode, <c>Presets.UpscaleAugment(384, erasing: 0.25)</c>), one thread. Rounds
/// alternate the decoders and formats in one process; the table gives medians over rounds and the Skia/ImageSharp ratio
/// of the medians, plus how far the two decoders' pixels are apart on each set.
/// </summary>
public static class DecoderReport
{
    private sealed record ImageSet(string Name, byte[][] Files);

    /// <summary>Runs the report, prints it, and returns it as a markdown section.</summary>
    /// <param name="images">Images per timed pass (cycling over the set's files).</param>
    /// <param name="rounds">Timed passes per decoder and set; the median is reported.</param>
    public static Reports.ReportSection Run(int images, int rounds)
    {
        var lines = new List<string>();
        void Say(string line)
        {
            Console.WriteLine(line);
            lines.Add(line);
        }
        ImageSet[] sets = MakeSets();
        IImageDecoder[] decoders = [SkiaImageDecoder.Instance, ImageSharpImageDecoder.Instance];
        SampleEncoder encoder = Presets.UpscaleAugment(384, erasing: 0.25);
        var sample = new float[3 * 384 * 384];

        // medians[set, decoder, 0 = decode only, 1 = recipe-1 pipeline] in images/s.
        var rates = new List<double>[sets.Length, decoders.Length, 2];
        for (int s = 0; s < sets.Length; s++)
            for (int d = 0; d < decoders.Length; d++)
                (rates[s, d, 0], rates[s, d, 1]) = ([], []);
        for (int s = 0; s < sets.Length; s++)
            for (int d = 0; d < decoders.Length; d++)
            {
                Pass(sets[s], decoders[d], null, sample, Math.Min(images, 20)); // warm-up
                Pass(sets[s], decoders[d], encoder, sample, Math.Min(images, 20));
            }
        for (int r = 0; r < rounds; r++)
            for (int s = 0; s < sets.Length; s++)
                for (int k = 0; k < decoders.Length; k++)
                {
                    int d = (k + r) % decoders.Length; // alternate which decoder goes first
                    rates[s, d, 0].Add(Pass(sets[s], decoders[d], null, sample, images));
                    rates[s, d, 1].Add(Pass(sets[s], decoders[d], encoder, sample, images));
                }

        Say($"{images} images per pass, {rounds} rounds, 1 thread; medians in images/s (ratio = Skia / ImageSharp)");
        Say("");
        Say("| files | mean size | Skia decode | ImageSharp decode | ratio | Skia pipeline | ImageSharp pipeline | ratio | pixels apart (mean / max) |");
        Say("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        var ratios = new List<Reports.Ratio>();
        for (int s = 0; s < sets.Length; s++)
        {
            double[] perRound = [.. rates[s, 0, 1].Zip(rates[s, 1, 1], (a, b) => a / b)];
            double sd = Median(rates[s, 0, 0]), id = Median(rates[s, 1, 0]), sp = Median(rates[s, 0, 1]), ip = Median(rates[s, 1, 1]);
            var (mean, max) = Agreement(sets[s]);
            Say(string.Create(CultureInfo.InvariantCulture,
                $"| {sets[s].Name} | {sets[s].Files.Average(f => f.Length) / 1024:F1} KB | {sd:F0} | {id:F0} | {sd / id:F2}x | {sp:F0} | {ip:F0} | {sp / ip:F2}x | {mean:F3} / {max} |"));
            ratios.Add(new Reports.Ratio($"decoders/{sets[s].Name.Split(' ')[0]}-{sets[s].Name.Split(' ')[1]}/skia-over-imagesharp-pipeline", sp / ip, Reports.Ratio.HalfRange(perRound)));
        }
        return new Reports.ReportSection("Decoders: SkiaSharp against ImageSharp (recipe-1 pipeline)",
            Reports.Commands.Of(FormattableString.Invariant($"decoders --images {images} --rounds {rounds}")), lines) { Ratios = ratios };
    }

    private static double Pass(ImageSet set, IImageDecoder decoder, SampleEncoder? encoder, float[] sample, int count)
    {
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < count; i++)
        {
            RgbImage image = decoder.Decode(set.Files[i % set.Files.Length], set.Name, ImageDecoder.MaxPixels);
            if (encoder is null) image.Dispose();
            else encoder.Encode(image, sample, new Random(i));
        }
        return count / Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static (double Mean, int Max) Agreement(ImageSet set)
    {
        long sum = 0, bytes = 0;
        int max = 0;
        foreach (byte[] file in set.Files)
        {
            using RgbImage a = SkiaImageDecoder.Instance.Decode(file, set.Name, ImageDecoder.MaxPixels);
            using RgbImage b = ImageSharpImageDecoder.Instance.Decode(file, set.Name, ImageDecoder.MaxPixels);
            ReadOnlySpan<byte> pa = a.Pixels, pb = b.Pixels;
            for (int i = 0; i < pa.Length; i++)
            {
                int d = Math.Abs(pa[i] - pb[i]);
                sum += d;
                max = Math.Max(max, d);
            }
            bytes += pa.Length;
        }
        return ((double)sum / bytes, max);
    }

    private static double Median(List<double> values) => Reports.TimingResult.Of(values).Median;

    /// <summary>
    /// The sets. The large images are real photographs (the Tiny-ImageNet fixtures and the two sample photos, upscaled
    /// bicubic from a random crop to 500x375) with Gaussian grain (sigma 8) so that they carry a camera-like amount of
    /// detail rather than the smoothness of an upscale; JPEG at quality 90 (libjpeg-turbo through Skia, 4:2:0 as most
    /// cameras and ImageNet's files), PNG (libpng) and lossy WebP at quality 90 (libwebp).
    /// </summary>
    private static ImageSet[] MakeSets()
    {
        string root = PipelineImages.RepoRoot();
        string[] tiny = PipelineImages.Find();
        string[] sources = [.. tiny, Path.Combine(root, "samples", "data", "images", "chelsea.jpg"), Path.Combine(root, "samples", "data", "images", "coffee.jpg")];
        var rng = new Random(7);
        var large = new List<RgbImage>();
        foreach (string source in sources)
        {
            using RgbImage photo = ImageDecoder.Decode(source, SkiaImageDecoder.Instance);
            int w = (int)(photo.Width * (0.7 + 0.3 * rng.NextDouble())), h = Math.Min(photo.Height, w * 3 / 4);
            var region = new PixelRect(rng.Next(photo.Width - w + 1), rng.Next(photo.Height - h + 1), w, h);
            RgbImage big = Resampler.Resize(photo, region, 500, 375, Interpolation.Bicubic);
            Span<byte> p = big.Pixels;
            for (int i = 0; i < p.Length; i++)
                p[i] = (byte)Math.Clamp(p[i] + 8 * Gaussian(rng), 0, 255);
            large.Add(big);
        }
        try
        {
            return
            [
                new("ImageNet-like JPEG 500x375 q90", [.. large.Select(i => Encode(i, SKEncodedImageFormat.Jpeg, 90))]),
                new("Tiny-ImageNet JPEG 64x64 (real files)", [.. tiny.Select(File.ReadAllBytes)]),
                new("PNG 500x375", [.. large.Select(i => Encode(i, SKEncodedImageFormat.Png, 100))]),
                new("WebP 500x375 lossy q90", [.. large.Select(i => Encode(i, SKEncodedImageFormat.Webp, 90))]),
            ];
        }
        finally
        {
            foreach (RgbImage image in large) image.Dispose();
        }
    }

    private static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    private static byte[] Encode(RgbImage image, SKEncodedImageFormat format, int quality)
    {
        var info = new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var bitmap = new SKBitmap(info);
        Span<byte> rgba = bitmap.GetPixelSpan();
        ReadOnlySpan<byte> rgb = image.Pixels;
        for (int i = 0, j = 0; j < rgb.Length; i += 4, j += 3)
            (rgba[i], rgba[i + 1], rgba[i + 2], rgba[i + 3]) = (rgb[j], rgb[j + 1], rgb[j + 2], 255);
        using SKData data = bitmap.Encode(format, quality);
        return data.ToArray();
    }
}
