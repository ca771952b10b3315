using FineTune.Vision.Imaging;
using FineTune.Vision.Transforms;

namespace FineTune.Vision.Tests.Transforms;

public class ResizeTests
{
    [Theory]
    [InlineData(500, 375, 224, null, 298, 224)]
    [InlineData(375, 500, 224, null, 224, 298)]
    [InlineData(64, 64, 384, null, 384, 384)]
    [InlineData(1000, 100, 50, 200, 200, 20)]       // max_size caps the longer side
    public void OutputSize_FollowsTorchvision(int w, int h, int size, int? maxSize, int expectedW, int expectedH) =>
        Assert.Equal((expectedW, expectedH), new Resize(size, Interpolation.Bilinear, maxSize).OutputSize(w, h));

    [Fact]
    public void Apply_ExactSize_AndSameSizeIsIdentity()
    {
        using RgbImage resized = new Resize(10, 30, Interpolation.Bicubic).Apply(TransformFixtures.Chelsea(), new Random(0));
        Assert.Equal((30, 10), (resized.Width, resized.Height));
        RgbImage input = TransformFixtures.Chelsea();
        using RgbImage same = new Resize(64).Apply(input, new Random(0));
        Assert.Same(input, same);
    }
}
