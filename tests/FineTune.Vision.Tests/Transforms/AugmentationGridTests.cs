using FineTune.Vision.Imaging;
using FineTune.Vision.Tests.Imaging;
using FineTune.Vision.Transforms;

namespace FineTune.Vision.Tests.Transforms;

public sealed class AugmentationGridTests
{
    [Fact]
    public void Grid_holds_the_original_and_the_augmented_versions_and_saves_as_png()
    {
        using RgbImage photo = ColorOpsTests.Load("photo.rgb");
        var policy = RandAugment.FromConfig("rand-m9-mstd0.5-inc1");
        using RgbImage grid = AugmentationGrid.Create(photo, policy, count: 5, seed: 3, columns: 3, padding: 2);
        Assert.Equal((2 + 3 * 50, 2 + 2 * 34), (grid.Width, grid.Height));
        for (int y = 0; y < 32; y++) Assert.Equal(photo.Row(y).ToArray(), grid.Row(2 + y).Slice(6, 48 * 3).ToArray());

        using RgbImage again = AugmentationGrid.Create(photo, policy, count: 5, seed: 3, columns: 3, padding: 2);
        Assert.Equal(grid.Pixels.ToArray(), again.Pixels.ToArray());

        string path = Path.Combine(Path.GetTempPath(), $"grid-{Guid.NewGuid():N}.png");
        try
        {
            AugmentationGrid.SavePng(path, photo, policy, count: 5, seed: 3, columns: 3);
            using RgbImage decoded = ImageDecoder.Decode(path);
            using RgbImage expected = AugmentationGrid.Create(photo, policy, count: 5, seed: 3, columns: 3);
            Assert.Equal((4 + 3 * 52, 4 + 2 * 36), (decoded.Width, decoded.Height));
            Assert.Equal(expected.Pixels.ToArray(), decoded.Pixels.ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Tiles_are_one_size_and_a_larger_original_is_scaled_to_fit_its_tile()
    {
        using RgbImage photo = ColorOpsTests.Load("photo.rgb"); // 48x32
        var crop = new RandomResizedCrop(16);
        using RgbImage grid = AugmentationGrid.Create(photo, crop, count: 3, seed: 1, columns: 2, padding: 2);
        Assert.Equal((2 + 2 * 18, 2 + 2 * 18), (grid.Width, grid.Height)); // four 16x16 tiles, not 48x32 ones

        // The original, 48x32 scaled by 1/3 to 16x11 (Pillow bilinear), centred in the first tile: rows 2 + 2 .. 2 + 2 + 11.
        using RgbImage fitted = Resampler.Resize(photo, 16, 11, Interpolation.Bilinear);
        for (int y = 0; y < 11; y++) Assert.Equal(fitted.Row(y).ToArray(), grid.Row(2 + 2 + y).Slice(2 * 3, 16 * 3).ToArray());
        Assert.All(grid.Row(2).Slice(2 * 3, 16 * 3).ToArray(), b => Assert.Equal(255, b)); // white above it
        Assert.All(grid.Row(2 + 2 + 11 + 1).Slice(2 * 3, 16 * 3).ToArray(), b => Assert.Equal(255, b)); // and below

        // An augmented version fills its tile exactly.
        using RgbImage second = crop.Apply(photo.Clone(), FineTune.Vision.Core.SeedMixer.Create(1, 0));
        for (int y = 0; y < 16; y++) Assert.Equal(second.Row(y).ToArray(), grid.Row(2 + y).Slice((2 + 18) * 3, 16 * 3).ToArray());
    }
}
