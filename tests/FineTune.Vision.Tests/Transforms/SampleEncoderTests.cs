using System.Globalization;
using FineTune.Vision.Imaging;
using FineTune.Vision.Transforms;

namespace FineTune.Vision.Tests.Transforms;

public class SampleEncoderTests
{
    private sealed class RecordingTensorTransform : ISampleTensorTransform
    {
        public (int C, int H, int W)? Seen;
        public float FirstValue;

        public void Apply(Span<float> chw, int channels, int height, int width, Random rng)
        {
            Seen = (channels, height, width);
            FirstValue = chw[0];
            chw[0] = 42f;
        }
    }

    [Fact]
    public void Encode_WritesNormalisedChw_ThenRunsTensorTransforms()
    {
        using var image = new RgbImage(2, 1);
        image.Pixels[0] = 255; image.Pixels[1] = 0; image.Pixels[2] = 128;     // pixel 0
        image.Pixels[3] = 10; image.Pixels[4] = 20; image.Pixels[5] = 30;      // pixel 1
        var recorder = new RecordingTensorTransform();
        var encoder = new SampleEncoder(new Compose(), 1, 2, Normalization.ImageNet, recorder);
        var chw = new float[6];
        encoder.Encode(image.Clone(), chw, new Random(0));
        Assert.Equal((3, 1, 2), recorder.Seen);
        Assert.Equal((1f - 0.485f) / 0.229f, recorder.FirstValue, 6);
        Assert.Equal(42f, chw[0]);
        Assert.Equal((10 / 255f - 0.485f) / 0.229f, chw[1], 6);                 // R plane, pixel 1
        Assert.Equal((0f - 0.456f) / 0.224f, chw[2], 6);                       // G plane, pixel 0
        Assert.Equal((30 / 255f - 0.406f) / 0.225f, chw[5], 6);                 // B plane, pixel 1
    }

    [Fact]
    public void EvalPreset_MatchesTorchvisionPipeline()
    {
        var encoder = Presets.Eval(new EvalPresetOptions { Size = 56, CropPct = 0.875 });
        Assert.Equal((3, 56, 56), encoder.SampleShape);
        using RgbImage expectedImage = TransformFixtures.Load("chelsea.eval56.png");
        using RgbImage actualImage = encoder.ImageTransform.Apply(TransformFixtures.Chelsea(), new Random(0));
        Assert.True(TransformFixtures.SamePixels(expectedImage, actualImage));

        var chw = new float[3 * 56 * 56];
        encoder.Encode(TransformFixtures.Chelsea(), chw, new Random(0));
        string[] lines = File.ReadAllLines(TransformFixtures.Path("Transforms", "eval_normalized.txt"));
        for (int c = 0; c < 3; c++)
        {
            float[] expected = lines[c].Split(' ').Select(s => float.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], chw[c * 56 * 56 + i], 6);
        }
    }

    [Fact]
    public void Encode_WrongSize_NamesSizesAndFix()
    {
        var encoder = new SampleEncoder(new Resize(10, 12, Interpolation.Bilinear), 8, 8, Normalization.Inception);
        var ex = Assert.Throws<InvalidOperationException>(() => encoder.Encode(TransformFixtures.Chelsea(), new float[3 * 64], new Random(0)));
        Assert.Contains("12x10", ex.Message);
        Assert.Contains("CenterCrop", ex.Message);
        Assert.Throws<ArgumentException>(() => encoder.Encode(TransformFixtures.Chelsea(), new float[5], new Random(0)));
    }

    [Fact]
    public void InceptionNormalization_MapsToMinusOneOne()
    {
        float[] lut = Normalization.Inception.BuildLookup();
        Assert.Equal(-1f, lut[0]);
        Assert.Equal(1f, lut[255], 6);
        Assert.Equal(1f, lut[2 * 256 + 255], 6);
    }

    [Fact]
    public void EncodeBytes_WritesChwBytes_AndRefusesTensorTransforms()
    {
        using var image = new RgbImage(2, 1);
        image.Pixels[0] = 1; image.Pixels[1] = 2; image.Pixels[2] = 3; image.Pixels[3] = 4; image.Pixels[4] = 5; image.Pixels[5] = 6;
        var encoder = new SampleEncoder(new HorizontalFlip(), 1, 2, Normalization.ImageNet);
        var chw = new byte[6];
        encoder.EncodeBytes(image.Clone(), chw, new Random(0));
        Assert.Equal(new byte[] { 4, 1, 5, 2, 6, 3 }, chw);
        var withErasing = new SampleEncoder(new Compose(), 1, 2, Normalization.ImageNet, new RecordingTensorTransform());
        var ex = Assert.Throws<InvalidOperationException>(() => withErasing.EncodeBytes(image.Clone(), chw, new Random(0)));
        Assert.Contains("RecordingTensorTransform", ex.Message);
    }
}
