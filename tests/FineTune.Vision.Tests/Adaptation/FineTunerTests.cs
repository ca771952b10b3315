using FineTune.Vision.Adaptation;
using FineTune.Vision.Data;
using FineTune.Vision.Models;
using FineTune.Vision.Optim;
using FineTune.Vision.Tests.Training;
using FineTune.Vision.Training;
using FineTune.Vision.Training.Losses;
using TorchSharp;
using FineTune.Vision.Transforms;
using FineTune.Vision.Training.Precision;
using FineTune.Vision.Training.Callbacks;

namespace FineTune.Vision.Tests.Adaptation;

/// <summary>The FineTuner's plans: what trains in each epoch, which groups the optimizer holds, and fastai's two one-cycles.</summary>
public sealed class FineTunerTests : IDisposable
{
    private readonly IDisposable _threads = TrainingFixtures.SingleThread();

    /// <summary>Restores the intra-op thread count.</summary>
    public void Dispose() => _threads.Dispose();

    private static VisionTransformer Model() => TrainingFixtures.Model(TrainingFixtures.MicroVit with { Depth = 2 });

    private static SampleSource Data => TrainingFixtures.Encode(TrainingFixtures.FashionTrain(48), 8);

    private static FineTuneOptions Options(FineTuneStrategy strategy, int epochs = 1, params Callback[] callbacks) => Options(strategy, epochs, 16, callbacks);

    private static FineTuneOptions Options(FineTuneStrategy strategy, int epochs, int batchSize, params Callback[] callbacks)
    {
        var training = new TrainerOptions { BatchSize = batchSize, Workers = 1, Seed = 2 };
        foreach (var c in callbacks) training.Callbacks.Add(c);
        return new FineTuneOptions { Strategy = strategy, Epochs = epochs, Optimizer = Optimizers.AdamW(1e-2), LastBlocks = 1, Training = training };
    }

    [Fact]
    public void Full_starts_head_only_holds_every_group_and_follows_fastais_two_one_cycles()
    {
        using var model = Model();
        var seen = new Seen();
        using var tuner = new FineTuner(model, Options(FineTuneStrategy.Full, 1, batchSize: 4, seen));
        long head = model.LayerGroups[^1].ParameterNames.Sum(n => model.named_parameters().First(p => p.name == n).parameter.numel());
        Assert.Equal(head, tuner.Report().Trainable);
        Assert.Equal(model.parameters().Count(), tuner.Trainer.Optimizer.Parameters.Count());
        Assert.Equal(0.01, tuner.Trainer.Optimizer.Groups.First(g => g.Name == "stem").LrScale, 12);     // 1 / lr_mult
        Assert.Equal(1.0, tuner.Trainer.Optimizer.Groups.First(g => g.Name == "head").LrScale);

        var context = tuner.Fit(Data);
        Assert.Equal(2, context.History.Count);                                                      // 1 frozen + 1 unfrozen epoch
        Assert.Equal([["head"], ["stem", "blocks.0", "blocks.1", "norm", "head"]], seen.TrainableGroups);
        Assert.Equal(24, seen.Rates.Count);                                                          // 12 steps per epoch
        Assert.Equal(1e-2 / 25, seen.Rates[0], 12);                                                   // fit_one_cycle(base_lr, pct_start=0.99) starts at base_lr / 25
        Assert.True(seen.Rates[10] > 0.95e-2, $"the frozen cycle peaks at its end: {seen.Rates[10]}");
        Assert.Equal(1e-2 / 2 / 5, seen.Rates[12], 12);                                               // then fit_one_cycle(base_lr / 2, div=5)
        Assert.Equal(1e-2 / 2, seen.Rates.Skip(12).Max(), 3);
        Assert.True(seen.Rates[23] < 1e-5, $"and anneals towards base_lr / 2 / 1e5: {seen.Rates[23]}");
    }

    [Theory]
    [InlineData(FineTuneStrategy.LastBlocks, 2, new[] { "head" }, new[] { "blocks.1", "norm", "head" }, new[] { "blocks.1", "norm", "head" })]
    [InlineData(FineTuneStrategy.GradualUnfreezing, 2, new[] { "head" }, new[] { "norm", "head" }, new[] { "blocks.1", "norm", "head" })]
    public void Unfreezing_strategies_train_the_groups_of_their_plan(FineTuneStrategy strategy, int epochs, string[] e0, string[] e1, string[] e2)
    {
        using var model = Model();
        var seen = new Seen();
        using var tuner = new FineTuner(model, Options(strategy, epochs, seen));
        tuner.Fit(Data);
        Assert.Equal([e0, e1, e2], seen.TrainableGroups);
    }

    [Fact]
    public void Head_only_and_lora_hold_only_what_trains_and_run_in_one_call()
    {
        using (var model = Model())
        {
            var context = FineTuner.Run(model, Data, options: Options(FineTuneStrategy.HeadOnly, epochs: 2));
            Assert.Equal(2, context.History.Count);
            Assert.Equal(["head.weight", "head.bias"], model.named_parameters().Where(p => p.parameter.requires_grad).Select(p => p.name));
        }
        using (var model = Model())
        using (var tuner = new FineTuner(model, Options(FineTuneStrategy.Lora)))
        {
            Assert.NotNull(tuner.Adapters);
            var held = tuner.Trainer.Optimizer.Groups.SelectMany(g => g.Parameters.Select(p => p.Name)).Order(StringComparer.Ordinal);
            Assert.Equal(tuner.Adapters!.Parameters.Select(p => p.Name).Order(StringComparer.Ordinal), held);
            Assert.Contains(held, n => n.Contains(".lora_A.", StringComparison.Ordinal));
            tuner.Fit(Data);
            Assert.True(tuner.Report().Percent < 100);
        }
    }

    [Fact]
    public void Invalid_options_are_listed_together()
    {
        using var model = Model();
        var e = Assert.Throws<ArgumentException>(() => new FineTuner(model, new FineTuneOptions
        {
            Strategy = FineTuneStrategy.HeadOnly, Epochs = 0, LrMult = 0.5, GroupsPerEpoch = 0, Training = new TrainerOptions { BatchSize = 0 },
        }));
        Assert.Contains("Epochs", e.Message);
        Assert.Contains("LrMult", e.Message);
        Assert.Contains("GroupsPerEpoch", e.Message);
        Assert.Contains("BatchSize", e.Message);
        Assert.All(model.parameters(), p => Assert.True(p.requires_grad));                          // nothing frozen by a refused plan
    }

    [Fact]
    public void The_trainer_options_pass_through_except_the_plan()
    {
        // A tripwire: a new TrainerOptions property must be copied by the record's copy constructor (what `with` uses) and listed here.
        string[] known = ["Epochs", "MaxSteps", "BatchSize", "Workers", "Optimizer", "ParameterGroups", "Schedule", "GradientAccumulation", "GradCheckpointing",
            "ClipGradNorm", "ClipGradValue", "Precision", "LossScaler", "Mixing", "LabelSmoothing", "Ema", "Seed", "UInt8Normalization", "RecoveryCheckpoint", "Device", "Callbacks",
            "SkipUnreadable", "Monitor", "PlateauMonitor", "EvalEverySteps", "KeepBestModel", "Sampler", "Loss", "ClipGradAgc", "Sam", "Logger", "ProcessGroup"];
        Assert.Equal(known.Order(StringComparer.Ordinal), typeof(TrainerOptions).GetProperties().Select(p => p.Name).Order(StringComparer.Ordinal));

        using var model = Model();
        var mine = new Seen();
        var training = new TrainerOptions
        {
            Epochs = 99, BatchSize = 8, Workers = 1, Seed = 11, ClipGradNorm = 1.0, LabelSmoothing = 0.1, GradientAccumulation = 2,
            Precision = TrainingPrecision.BFloat16, Ema = new EmaOptions { Decay = 0.9 }, GradCheckpointing = true, Callbacks = { mine },
        };
        using var tuner = new FineTuner(model, new FineTuneOptions { Strategy = FineTuneStrategy.HeadOnly, Epochs = 2, Training = training });
        var o = tuner.Trainer.Options;
        Assert.Equal((2, 8, 11L, 1.0, 0.1, 2, TrainingPrecision.BFloat16), (o.Epochs, o.BatchSize, o.Seed, o.ClipGradNorm!.Value, o.LabelSmoothing, o.GradientAccumulation, o.Precision));
        Assert.Same(training.Ema, o.Ema);
        Assert.True(o.GradCheckpointing);
        Assert.True(model.GradCheckpointing);
        Assert.Contains(mine, o.Callbacks);
        Assert.Equal(2e-3, o.Optimizer.Lr);
    }

    [Fact]
    public void With_copies_every_trainer_option_and_gives_the_copy_its_own_callback_list()
    {
        var callback = new Seen();
        var original = new TrainerOptions
        {
            Epochs = 7, MaxSteps = 70, BatchSize = 3, Workers = 2, Optimizer = Optimizers.Sgd(0.5), ParameterGroups = m => [], Schedule = LrSchedules.Linear(),
            GradientAccumulation = 4, GradCheckpointing = true, ClipGradNorm = 2, ClipGradValue = 3, Precision = TrainingPrecision.Float16,
            LossScaler = new LossScalerOptions { InitScale = 8 }, Mixing = new MixupCutMix(new MixupCutMixOptions { NumClasses = 10 }), LabelSmoothing = 0.2, Ema = new EmaOptions(), Seed = 5,
            UInt8Normalization = Normalization.Inception, RecoveryCheckpoint = "r.safetensors", Device = torch.CPU, SkipUnreadable = true,
            Monitor = Metric.ValLoss, PlateauMonitor = Metric.TrainLoss, Callbacks = { callback },
            EvalEverySteps = 100, KeepBestModel = true, Sampler = new RepeatAugSampler(), Loss = new FocalLoss(), ClipGradAgc = 0.02, Sam = new FineTune.Vision.Optim.SamOptions { Rho = 0.1 },
            Logger = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance,
            ProcessGroup = FineTune.Vision.Distributed.ProcessGroup.Single,
        };
        var copy = original with { };
        foreach (var property in typeof(TrainerOptions).GetProperties().Where(p => p.Name != nameof(TrainerOptions.Callbacks)))
        {
            object? value = property.GetValue(original);
            Assert.False(Equals(value, property.GetValue(new TrainerOptions())), $"the test must set {property.Name} to a non-default value");
            Assert.Equal(value, property.GetValue(copy));
        }
        Assert.NotSame(original.Callbacks, copy.Callbacks);
        Assert.Equal([callback], copy.Callbacks);
        copy.Callbacks.Add(new Seen());
        Assert.Single(original.Callbacks);
    }

    /// <summary>The trainable groups of each epoch and the base rate of each step.</summary>
    private sealed class Seen : Callback
    {
        public List<string[]> TrainableGroups { get; } = [];
        public List<double> Rates { get; } = [];

        public override int Order => CallbackOrder.Logger;

        public override void OnEpochStart(TrainingContext context)
        {
            var trainable = context.Model.Module.named_parameters().Where(p => p.parameter.requires_grad).Select(p => p.name).ToHashSet();
            TrainableGroups.Add([.. context.Model.LayerGroups.Where(g => g.ParameterNames.Any(trainable.Contains)).Select(g => g.Name)]);
        }

        public override void OnAfterStep(TrainingContext context) => Rates.Add(context.LearningRate);
    }
}
