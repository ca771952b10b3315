using System.Globalization;
using FineTune.Vision.Imaging;

namespace FineTune.Vision.Recipes;

/// <summary>
/// Writes a tiny dataset in Tiny ImageNet's exact layout (<c>wnids.txt</c>, <c>words.txt</c>,
/// <c>train/&lt;wnid&gt;/images/*.JPEG</c>, <c>val/images/*.JPEG</c> + <c>val/val_annotations.txt</c>), so that the
/// recipes' <c>--smoke</c> runs read it with the same code as the real download. Each class is one quadrant of one of
/// the repository's two photographs (<c>samples/data/images</c>: Chelsea the cat, a cup of coffee); each image is a
/// random square crop inside that quadrant (40–80 px, jittered brightness, random mirror) resized to 64×64 bicubic and
/// saved as JPEG with the library's <see cref="ImageEncoder"/>. Real pixels, learnable labels, made in a second.
/// </summary>
public static class SmokeData
{
    /// <summary>The photographs the classes are cut from (copied beside the recipe assembly).</summary>
    public static IReadOnlyList<string> PhotoNames { get; } = ["chelsea.jpg", "coffee.jpg"];

    private static readonly string[] Quadrants = ["top left", "top right", "bottom left", "bottom right"];

    /// <summary>Side of every generated image, as in Tiny ImageNet.</summary>
    public const int ImageSize = 64;

    /// <summary>
    /// Writes the dataset under <paramref name="root"/> (created; existing generated files are overwritten) and
    /// returns <paramref name="root"/>. Deterministic for a given <paramref name="seed"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classes"/> is not in 2..8, or a count is below 1.</exception>
    /// <exception cref="FileNotFoundException">A source photograph is missing beside the assembly.</exception>
    public static string Generate(string root, int classes = 6, int trainPerClass = 8, int valPerClass = 3, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(classes, PhotoNames.Count * Quadrants.Length);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(trainPerClass);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(valPerClass);
        var photos = PhotoNames.Select(n => ImageDecoder.Decode(PhotoPath(n))).ToArray();
        try
        {
            var rng = new Random(seed);
            string[] wnids = [.. Enumerable.Range(0, classes).Select(c => string.Create(CultureInfo.InvariantCulture, $"n9{c:D7}"))];
            Directory.CreateDirectory(Path.Combine(root, "val", "images"));
            File.WriteAllLines(Path.Combine(root, "wnids.txt"), wnids);
            File.WriteAllLines(Path.Combine(root, "words.txt"), wnids.Select((w, c) => $"{w}\t{ClassName(c)}"));
            var annotations = new List<string>();
            for (int c = 0; c < classes; c++)
            {
                string folder = Path.Combine(root, "train", wnids[c], "images");
                Directory.CreateDirectory(folder);
                var photo = photos[c / Quadrants.Length % photos.Length];
                for (int i = 0; i < trainPerClass; i++)
                    Save(photo, c % Quadrants.Length, rng, Path.Combine(folder, $"{wnids[c]}_{i}.JPEG"));
                for (int i = 0; i < valPerClass; i++)
                {
                    string name = string.Create(CultureInfo.InvariantCulture, $"val_{c * valPerClass + i}.JPEG");
                    Save(photo, c % Quadrants.Length, rng, Path.Combine(root, "val", "images", name));
                    annotations.Add($"{name}\t{wnids[c]}\t0\t0\t{ImageSize - 1}\t{ImageSize - 1}");
                }
            }
            File.WriteAllLines(Path.Combine(root, "val", "val_annotations.txt"), annotations);
            return root;
        }
        finally
        {
            foreach (var photo in photos) photo.Dispose();
        }
    }

    /// <summary>The human-readable name of smoke class <paramref name="index"/>.</summary>
    public static string ClassName(int index) =>
        $"{Path.GetFileNameWithoutExtension(PhotoNames[index / Quadrants.Length % PhotoNames.Count])} {Quadrants[index % Quadrants.Length]}";

    private static string PhotoPath(string name)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "SmokePhotos", name);
        return File.Exists(path) ? path : throw new FileNotFoundException(
            $"Smoke-data photograph '{path}' is missing; it is copied there from samples/data/images by FineTune.Vision.Recipes.csproj (rebuild).", path);
    }

    private static void Save(RgbImage photo, int quadrant, Random rng, string path)
    {
        int half = Math.Min(photo.Width, photo.Height) / 2;
        int side = rng.Next(half / 2, half + 1);
        int x = (quadrant % 2) * half + rng.Next(0, half - side + 1);
        int y = (quadrant / 2) * half + rng.Next(0, half - side + 1);
        using RgbImage crop = Resampler.Resize(photo, new PixelRect(x, y, side, side), ImageSize, ImageSize, Interpolation.Bicubic);
        ColorOps.Brightness(crop, 0.8 + 0.4 * rng.NextDouble());
        if (rng.Next(2) == 1) GeometryOps.FlipHorizontalInPlace(crop);
        ImageEncoder.Save(crop, path, jpegQuality: 90);
    }
}
