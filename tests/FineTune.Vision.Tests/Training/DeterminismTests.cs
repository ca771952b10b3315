using FineTune.Vision.Data;
using FineTune.Vision.Models;
using FineTune.Vision.Optim;
using FineTune.Vision.Training;
using FineTune.Vision.Transforms;
using TorchSharp;

namespace FineTune.Vision.Tests.Training;

/// <summary>Two runs of the same program with the same <see cref="TrainerOptions.Seed"/> compute bit-identical losses.</summary>
public class DeterminismTests
{
    /// <summary>
    /// One "program": a model made right after <c>torch.random.manual_seed(0)</c>, then two epochs with augmentation
    /// (random flip), Mixup/CutMix, drop path and dropout-free AdamW; returns every training loss and the validation loss.
    /// </summary>
    private static (List<double> Losses, double ValLoss) Program(int workers)
    {
        torch.random.manual_seed(0);
        using var model = new VisionTransformer(TrainingFixtures.FashionVit(dropPath: 0.1));
        var recorder = new Recorder();
        using var trainer = new Trainer(model, new TrainerOptions
        {
            Epochs = 2, BatchSize = 8, Workers = workers, Seed = 7, Optimizer = Optimizers.AdamW(2e-3), Schedule = LrSchedules.Cosine(warmupFraction: 0.2),
            Mixing = new MixupCutMix(new MixupCutMixOptions { MixupAlpha = 0.8, CutMixAlpha = 1.0, Probability = 0.8, NumClasses = 10 }),
            Callbacks = { recorder },
        });
        var augment = new SampleEncoder(new Compose(new RandomApply(new HorizontalFlip(), 0.5)), 28, 28, Normalization.Inception);
        FitResult result = trainer.Fit(TrainingFixtures.FashionTrain(48).With(augment), TrainingFixtures.Encode(TrainingFixtures.FashionTest(16)));
        return (recorder.Losses, result.LastValidation!.Loss);
    }

    [Fact]
    public void The_same_seed_gives_bit_identical_losses_run_after_run_and_for_any_number_of_workers()
    {
        using var threads = TrainingFixtures.SingleThread();
        var first = Program(workers: 1);
        var second = Program(workers: 1);
        var parallel = Program(workers: 3);
        var parallelAgain = Program(workers: 3);

        Assert.Equal(12, first.Losses.Count);
        Assert.Equal(first.Losses, second.Losses);       // exact: no tolerance
        Assert.Equal(first.ValLoss, second.ValLoss);
        Assert.Equal(parallel.Losses, parallelAgain.Losses);
        Assert.Equal(first.Losses, parallel.Losses);
        Assert.Equal(first.ValLoss, parallel.ValLoss);
    }
}
