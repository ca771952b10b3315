using FineTune.Vision.Adaptation;
using FineTune.Vision.Core;
using FineTune.Vision.Data;
using FineTune.Vision.Models;
using FineTune.Vision.Optim;
using FineTune.Vision.Training;
using FineTune.Vision.Transforms;
using FineTune.Vision.Weights;
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

    /// <summary>
    /// The newcomer's program with one seed everywhere: <see cref="VisionModels.Create(string, int?, double?, double?, int?, string?, long?, TorchSharp.torch.Device?, Action{LoadReport}?)"/>
    /// with <c>seed</c>, a classifier reset, LoRA (seeded by <see cref="LoraOptions.Seed"/>) and the Trainer. The global
    /// generator is scrambled first, as TorchSharp does at every process start, so nothing may depend on it.
    /// </summary>
    private static (List<double> Losses, double ValLoss) SeededProgram(long scramble)
    {
        torch.random.manual_seed(scramble);
        using var model = VisionModels.Create<VitConfig>("vit_tiny_patch16_224",
            c => c with { ImgSize = 28, PatchSize = 7, EmbedDim = 32, Depth = 2, NumHeads = 2, NumClasses = 5, DropPathRate = 0.1 }, seed: 0);
        using (TorchSeed.Scope(0)) model.ResetClassifier(10);
        Lora.Apply(model, new LoraOptions { Rank = 4 });
        var recorder = new Recorder();
        using var trainer = new Trainer(model, new TrainerOptions
        {
            Epochs = 2, BatchSize = 8, Workers = 2, Seed = 0, Optimizer = Optimizers.AdamW(2e-3), Callbacks = { recorder },
        });
        FitResult result = trainer.Fit(TrainingFixtures.Encode(TrainingFixtures.FashionTrain(32)), TrainingFixtures.Encode(TrainingFixtures.FashionTest(16)));
        return (recorder.Losses, result.LastValidation!.Loss);
    }

    [Fact]
    public void One_seed_makes_creation_classifier_reset_lora_and_training_repeat_whatever_the_global_generator()
    {
        using var threads = TrainingFixtures.SingleThread();
        var first = SeededProgram(scramble: 12345);
        var second = SeededProgram(scramble: 987654321);

        Assert.Equal(8, first.Losses.Count);
        Assert.Equal(first.Losses, second.Losses);       // exact: no tolerance
        Assert.Equal(first.ValLoss, second.ValLoss);
    }
}
