using FineTune.Vision.Imaging;
using FineTune.Vision.Transforms;

namespace FineTune.Vision.Tests.Transforms;

public class PresetsTests
{
    [Theory]
    [InlineData(224, 0.875, 256)]
    [InlineData(384, 1.0, 384)]
    [InlineData(224, 0.9, 248)]
    [InlineData(224, 0.95, 235)]
    public void EvalResizeSize_IsTimmsFloorRule(int size, double cropPct, int expected) =>
        Assert.Equal(expected, Presets.EvalResizeSize(size, cropPct));

    [Fact]
    public void TrainBuilder_HasTimmsShape_AndAcceptsPolicies()
    {
        ComposeBuilder builder = Presets.TrainBuilder(new TrainPresetOptions { Size = 32, VerticalFlip = 0.25 });
        Assert.IsType<RandomResizedCrop>(builder.Transforms[0]);
        Assert.IsType<HorizontalFlip>(Assert.IsType<RandomApply>(builder.Transforms[1]).Transform);
        Assert.IsType<VerticalFlip>(Assert.IsType<RandomApply>(builder.Transforms[2]).Transform);
        Assert.IsType<ColorJitter>(builder.Transforms[3]);
        Assert.Equal(4, builder.Transforms.Count);
        Assert.Equal(2, Presets.TrainBuilder(new TrainPresetOptions { ColorJitter = null }).Transforms.Count);

        SampleEncoder encoder = builder.Add(new Grayscale()).BuildEncoder(32, 32, Normalization.ImageNet);
        var chw = new float[3 * 32 * 32];
        encoder.Encode(TransformFixtures.Chelsea(), chw, new Random(11));
        for (int i = 0; i < 32 * 32; i++)                                   // grayscale ran last: equal bytes per pixel
            Assert.Equal(chw[i] * 0.229f + 0.485f, chw[2 * 32 * 32 + i] * 0.225f + 0.406f, 5);
    }

    [Fact]
    public void Train_IsReproduciblePerSampleSeed()
    {
        SampleEncoder encoder = Presets.Train(new TrainPresetOptions { Size = 40 });
        float[] a = new float[3 * 40 * 40], b = new float[a.Length], c = new float[a.Length];
        encoder.Encode(TransformFixtures.Chelsea(), a, new Random(123));
        encoder.Encode(TransformFixtures.Chelsea(), b, new Random(123));
        encoder.Encode(TransformFixtures.Chelsea(), c, new Random(124));
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Options_AreValidated()
    {
        var ex = Assert.Throws<ArgumentException>(() => Presets.Eval(new EvalPresetOptions { CropPct = 1.5, Size = -1 }));
        Assert.Contains("CropPct", ex.Message);
        Assert.Contains("Size", ex.Message);
    }
}
