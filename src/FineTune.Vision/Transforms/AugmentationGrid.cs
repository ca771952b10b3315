using FineTune.Vision.Core;
using FineTune.Vision.Imaging;

namespace FineTune.Vision.Transforms;

/// <summary>
/// Shows what an augmentation does: a grid of the original image followed by N augmented versions, each drawn with
/// its own generator seeded from (seed, index), so the same call gives the same grid.
/// </summary>
public static class AugmentationGrid
{
    /// <summary>
    /// Makes the grid: tiles of one size (the largest augmented output's), <paramref name="padding"/> white pixels apart,
    /// the original in the first tile. An image of another size (the original before a crop to 224x224, say) is scaled
    /// to fit its tile with its aspect ratio kept (Pillow's bilinear filter) and centred, so every tile shows its image at
    /// the same scale of the grid. The caller owns the result; <paramref name="image"/> is not modified.
    /// </summary>
    /// <param name="image">The image to augment.</param>
    /// <param name="transform">The augmentation (a policy, or a whole <c>Compose</c> pipeline).</param>
    /// <param name="count">Number of augmented versions.</param>
    /// <param name="seed">Base seed of the per-version generators.</param>
    /// <param name="columns">Cells per row; 0 picks a near-square grid.</param>
    /// <param name="padding">White pixels between and around cells.</param>
    public static RgbImage Create(RgbImage image, ITransform transform, int count, long seed = 0, int columns = 0, int padding = 4)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(transform);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        var cells = new List<RgbImage> { image.Clone() };
        try
        {
            for (int i = 0; i < count; i++) cells.Add(transform.Apply(image.Clone(), SeedMixer.Create(seed, i)));
            return Compose(cells, columns > 0 ? columns : (int)Math.Ceiling(Math.Sqrt(cells.Count)), padding);
        }
        finally
        {
            foreach (RgbImage cell in cells) cell.Dispose();
        }
    }

    /// <summary>Makes the grid (see <see cref="Create"/>) and writes it as a PNG file.</summary>
    /// <param name="path">The PNG file to write.</param>
    /// <param name="image">The image to augment.</param>
    /// <param name="transform">The augmentation.</param>
    /// <param name="count">Number of augmented versions.</param>
    /// <param name="seed">Base seed of the per-version generators.</param>
    /// <param name="columns">Cells per row; 0 picks a near-square grid.</param>
    public static void SavePng(string path, RgbImage image, ITransform transform, int count, long seed = 0, int columns = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using RgbImage grid = Create(image, transform, count, seed, columns);
        File.WriteAllBytes(path, ImageEncoder.EncodePng(grid));
    }

    private static RgbImage Compose(List<RgbImage> cells, int columns, int padding)
    {
        int cellW = cells.Skip(1).Max(c => c.Width), cellH = cells.Skip(1).Max(c => c.Height);
        for (int i = 0; i < cells.Count; i++)
        {
            RgbImage cell = cells[i];
            if (cell.Width == cellW && cell.Height == cellH) continue;
            double scale = Math.Min((double)cellW / cell.Width, (double)cellH / cell.Height);
            int w = Math.Clamp((int)Math.Round(cell.Width * scale), 1, cellW), h = Math.Clamp((int)Math.Round(cell.Height * scale), 1, cellH);
            if (w == cell.Width && h == cell.Height) continue;
            cells[i] = Resampler.Resize(cell, w, h, Interpolation.Bilinear);
            cell.Dispose();
        }
        int rows = (cells.Count + columns - 1) / columns;
        var grid = new RgbImage(padding + columns * (cellW + padding), padding + rows * (cellH + padding));
        grid.Pixels.Fill(255);
        for (int i = 0; i < cells.Count; i++)
        {
            RgbImage cell = cells[i];
            int left = padding + (i % columns) * (cellW + padding) + (cellW - cell.Width) / 2;
            int top = padding + (i / columns) * (cellH + padding) + (cellH - cell.Height) / 2;
            for (int y = 0; y < cell.Height; y++)
                cell.Row(y).CopyTo(grid.Row(top + y).Slice(left * 3));
        }
        return grid;
    }
}
