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
}
