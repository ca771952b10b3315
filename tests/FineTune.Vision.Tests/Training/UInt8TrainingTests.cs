using FineTune.Vision.Data;
using FineTune.Vision.Optim;
using FineTune.Vision.Training;
using FineTune.Vision.Training.Callbacks;
using FineTune.Vision.Transforms;

namespace FineTune.Vision.Tests.Training;

/// <summary>uint8 loader sources are normalised on the device by the trainer.</summary>
public sealed class UInt8TrainingTests : IDisposable
{
    private readonly IDisposable _threads = TrainingFixtures.SingleThread();

    /// <summary>Restores the intra-op thread count.</summary>
    public void Dispose() => _threads.Dispose();

    private static (FitResult Context, Recorder Recorder, EvaluationResult Eval) Train(SampleSource train, SampleSource test)
    {
        var recorder = new Recorder();
        using var model = TrainingFixtures.Model(TrainingFixtures.MicroVit);
        using var trainLoader = TrainingFixtures.Loader(train, 16, shuffle: true, seed: 2);
        using var testLoader = TrainingFixtures.Loader(test, 32, shuffle: false);
        using var trainer = new Trainer(model, new TrainerOptions
        {
            Epochs = 3, Seed = 2, Optimizer = Optimizers.AdamW(3e-3), UInt8Normalization = Normalization.Inception, Callbacks = { recorder },
        });
        var context = trainer.Fit(trainLoader, testLoader);
        return (context, recorder, trainer.Evaluate(testLoader));
    }

    [Fact]
    public void A_uint8_source_trains_like_the_float_pipeline_with_the_same_normalisation()
    {
        IImageDataset train = TrainingFixtures.FashionTrain(320), test = TrainingFixtures.FashionTest(64);
        var (floats, floatLosses, floatEval) = Train(TrainingFixtures.Encode(train, 8), TrainingFixtures.Encode(test, 8));
        var (bytes, byteLosses, byteEval) = Train(train.WithUInt8(8, 8, new Resize(8, 8)), test.WithUInt8(8, 8, new Resize(8, 8)));

        Assert.True(bytes.History[2][Metric.TrainLoss] < bytes.History[0][Metric.TrainLoss] - 0.1, "the uint8 run should learn");
        Assert.Equal(floatLosses.Losses.Count, byteLosses.Losses.Count);
        for (int i = 0; i < 3; i++) Assert.Equal(floatLosses.Losses[i], byteLosses.Losses[i], 4);
        Assert.Equal(floats.History[0][Metric.TrainLoss], bytes.History[0][Metric.TrainLoss], 3);
        // Rounding differences (a lookup table vs multiply-add) grow a little over 60 steps, but stay small.
        Assert.True(Math.Abs(floats.History[2][Metric.TrainLoss] - bytes.History[2][Metric.TrainLoss]) < 0.02);
        Assert.Equal(floatEval.Samples, byteEval.Samples);
        Assert.True(Math.Abs(floatEval.Loss - byteEval.Loss) < 0.02, $"{floatEval} vs {byteEval}");
    }

    [Fact]
    public void Without_a_setting_the_models_pretrained_mean_and_std_are_used()
    {
        using var model = TrainingFixtures.Model(TrainingFixtures.MicroVit);
        var source = TrainingFixtures.FashionTrain(16).WithUInt8(8, 8, new Resize(8, 8));
        using var loader = TrainingFixtures.Loader(source, 16, shuffle: false);
        var seen = new List<float>();
        using var trainer = new Trainer(model, new TrainerOptions
        {
            Epochs = 1, Callbacks = { new LambdaCallback(c => seen.Add(c.Images!.min().item<float>())) },
        });
        trainer.Fit(loader);
        // A black pixel becomes -mean/std of the ImageNet statistics in the pretrained config: red -0.485/0.229.
        Assert.Equal(-0.485f / 0.229f, seen.Single(), 3);
    }
}
