using FineTune.Vision.Data;
using FineTune.Vision.Imaging;
using FineTune.Vision.Optim;
using FineTune.Vision.Training;
using FineTune.Vision.Training.Losses;
using FineTune.Vision.Transforms;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Tests.Training;

/// <summary>The data side of AugMix + JSD: split-wise batches from a <see cref="SplitSampleEncoder"/>, trained with <see cref="JsdCrossEntropy"/>.</summary>
public sealed class JsdSplitTrainingTests : IDisposable
{
    private readonly IDisposable _threads = TrainingFixtures.SingleThread();

    /// <summary>Restores the intra-op thread count.</summary>
    public void Dispose() => _threads.Dispose();

    [Fact]
    public void Split_batches_are_clean_then_augmented_splits_with_labels_and_indices_repeated()
    {
        IImageDataset data = TrainingFixtures.FashionTrain(10);
        var encoder = new SplitSampleEncoder(new Compose(), new Solarize(128), 28, 28, Normalization.Inception, splits: 3);
        SampleSource source = data.With(encoder);
        Assert.Equal((3, (9, 28, 28)), (source.Splits, source.SampleShape));
        using var plain = TrainingFixtures.Loader(TrainingFixtures.Encode(data), 4, shuffle: true, seed: 7);
        using var split = TrainingFixtures.Loader(source, 4, shuffle: true, seed: 7);
        var solarized = new SampleEncoder(new Solarize(128), 28, 28, Normalization.Inception);
        int batches = 0;
        foreach (var (p, s) in plain.Epoch(0).Select(b => (b.Images.clone(), b.Labels.clone(), b.SampleIndices.ToArray()))
                     .Zip(split.Epoch(0).Select(b => (b.Images.clone(), b.Labels.clone(), b.SampleIndices.ToArray(), b.Count))))
        {
            using var scope = NewDisposeScope();
            int n = (int)p.Item1.shape[0];
            Assert.Equal([3 * n, 3, 28, 28], s.Item1.shape);
            Assert.Equal(3 * n, s.Item4);
            Assert.Equal([.. p.Item3, .. p.Item3, .. p.Item3], s.Item3);
            Assert.Equal(p.Item2.repeat(3).data<long>().ToArray(), s.Item2.data<long>().ToArray());
            Assert.Equal(p.Item1.data<float>().ToArray(), s.Item1[..n].data<float>().ToArray());           // split 0: clean
            for (int i = 0; i < n; i++)
            {
                var expected = new float[3 * 28 * 28];
                solarized.Encode(data.Load(p.Item3[i]), expected, new Random(0));
                for (int k = 1; k < 3; k++) Assert.Equal(expected, s.Item1[k * n + i].data<float>().ToArray()); // splits 1, 2: augmented
            }
            batches++;
        }
        Assert.Equal(3, batches);
    }

    [Fact]
    public void Trainer_trains_augmix_splits_with_the_jsd_loss()
    {
        IImageDataset data = TrainingFixtures.FashionTrain(16);
        var encoder = new SplitSampleEncoder(new Compose(), AugMix.FromConfig("augmix-m3-w3"), 28, 28, Normalization.Inception);
        using var model = TrainingFixtures.Model(TrainingFixtures.FashionVit());
        using var train = TrainingFixtures.Loader(data.With(encoder), 8, shuffle: false);
        var loss = new JsdCrossEntropy();
        double expected;
        using (var scope = NewDisposeScope())
        {
            (Tensor images, Tensor labels) = train.Epoch(0).Select(b => (b.Images.clone(), b.Labels.clone())).First();
            model.train();
            expected = loss.Forward(new LossInput(model.call(images), labels)).item<float>();
        }
        var recorder = new Recorder();
        using var trainer = new Trainer(model, new TrainerOptions { Epochs = 1, Optimizer = Optimizers.Sgd(0.05), Loss = loss, Callbacks = { recorder } });
        trainer.Fit(train);
        Assert.Equal(2, recorder.Losses.Count);
        Assert.Equal(expected, recorder.Losses[0], 5);
        Assert.All(recorder.Losses, l => Assert.True(double.IsFinite(l)));
    }
}
