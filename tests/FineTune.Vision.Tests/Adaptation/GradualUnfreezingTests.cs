using FineTune.Vision.Adaptation;
using FineTune.Vision.Models;
using FineTune.Vision.Optim;
using FineTune.Vision.Tests.Data;
using FineTune.Vision.Tests.Training;
using FineTune.Vision.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Tests.Adaptation;

/// <summary>Gradual unfreezing: the plan per epoch, what actually trains, idle groups, and an exact resume after an unfreeze.</summary>
public sealed class GradualUnfreezingTests : IDisposable
{
    private readonly IDisposable _threads = TrainingFixtures.SingleThread();

    /// <summary>Restores the intra-op thread count.</summary>
    public void Dispose() => _threads.Dispose();

    private static VitConfig TinyVit => TrainingFixtures.MicroVit with { Depth = 2 };

    private static SampleSourceLoader Data(int count = 48) => new(TrainingFixtures.Encode(TrainingFixtures.FashionTrain(count), 8));

    [Fact]
    public void Trainable_groups_follow_the_epochs_and_new_groups_ramp_their_rate()
    {
        var perEpoch = new GradualUnfreezing();
        Assert.Equal([1, 2, 3, 4, 5, 5], Enumerable.Range(0, 6).Select(e => perEpoch.TrainableGroupsAt(e, 5)));

        var atEpochs = new GradualUnfreezing(new GradualUnfreezingOptions { UnfreezeEpochs = [2, 4], GroupsPerUnfreeze = 2, MaxTrainableGroups = 4 });
        Assert.Equal([1, 1, 3, 3, 4, 4], Enumerable.Range(0, 6).Select(e => atEpochs.TrainableGroupsAt(e, 5)));

        var lightning = new GradualUnfreezing(new GradualUnfreezingOptions { UnfreezeEpochs = [3], GroupsPerUnfreeze = int.MaxValue });
        Assert.Equal([1, 1, 1, 7], Enumerable.Range(0, 4).Select(e => lightning.TrainableGroupsAt(e, 7)));

        var ramp = new GradualUnfreezing(new GradualUnfreezingOptions { NewGroupLrScale = 0.01, LrRampEpochs = 2 });
        Assert.Equal(1.0, ramp.LrMultiplierAt(1, 0, 5));          // still frozen
        Assert.Equal(0.01, ramp.LrMultiplierAt(1, 3, 5), 12);      // unfrozen in epoch 1
        Assert.Equal(0.1, ramp.LrMultiplierAt(2, 3, 5), 12);       // halfway up (geometric)
        Assert.Equal(1.0, ramp.LrMultiplierAt(3, 3, 5), 12);
        Assert.Equal(1.0, ramp.LrMultiplierAt(3, 4, 5));           // the head trained from the start

        var e = Assert.Throws<ArgumentException>(() => new GradualUnfreezing(new GradualUnfreezingOptions { GroupsPerUnfreeze = 0, LrRampEpochs = 0 }));
        Assert.Contains("GroupsPerUnfreeze", e.Message);
        Assert.Contains("LrRampEpochs", e.Message);
    }

    [Theory]
    [InlineData(TrainingPrecision.Float32, OptimizerKind.AdamW)]
    [InlineData(TrainingPrecision.BFloat16, OptimizerKind.AdamW)]
    [InlineData(TrainingPrecision.Float32, OptimizerKind.Sgd)]
    public void Each_epoch_trains_one_more_group_and_frozen_groups_stay_bit_identical(TrainingPrecision precision, OptimizerKind kind)
    {
        using var model = TrainingFixtures.Model(TinyVit);
        var groups = model.LayerGroups;
        Assert.Equal(["stem", "blocks.0", "blocks.1", "norm", "head"], groups.Select(g => g.Name));
        var changes = new ChangedGroups(groups);
        var unfreezing = new GradualUnfreezing();
        using var data = Data();
        using var trainer = new Trainer(model, new TrainerOptions
        {
            Epochs = 3, Precision = precision, Callbacks = { unfreezing, changes },
            Optimizer = kind == OptimizerKind.Sgd ? Optimizers.Sgd(1e-1, weightDecay: 0.05) : Optimizers.AdamW(1e-2),
            ParameterGroups = m => LayerParameterGroups.Uniform(m, new ParameterGroupOptions { IncludeFrozen = true }),
        });
        Assert.Equal(9, trainer.Optimizer.Groups.Count);       // 5 layer groups x decay/no_decay (norm has no decay part), all there from the start
        trainer.Fit(data.Loader(16));

        Assert.Equal(["head"], changes.PerEpoch[0]);
        Assert.Equal(["norm", "head"], changes.PerEpoch[1]);
        Assert.Equal(["blocks.1", "norm", "head"], changes.PerEpoch[2]);
        Assert.Equal(3, unfreezing.TrainableGroups);
    }

    [Fact]
    public void Refuses_to_start_when_the_optimizer_lacks_a_group_it_would_unfreeze()
    {
        using var model = TrainingFixtures.Model(TinyVit);
        new Freezer(model).HeadOnly();
        using var data = Data(16);
        using var trainer = new Trainer(model, new TrainerOptions { Epochs = 2, Callbacks = { new GradualUnfreezing() } });
        var e = Assert.Throws<CallbackException>(() => trainer.Fit(data.Loader(16)));
        var inner = Assert.IsType<InvalidOperationException>(e.InnerException);
        Assert.Contains("norm.weight", inner.Message);
        Assert.Contains("IncludeFrozen", inner.Message);
    }

    [Theory]
    [InlineData(-1)]     // at the end of epoch 1 (the one that unfroze 'norm')
    [InlineData(5)]      // after the 5th optimizer step, in the middle of epoch 1
    public void A_run_resumed_from_a_checkpoint_taken_after_an_unfreeze_continues_identically(long afterStep)
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "after-unfreeze.safetensors");
        using var data = Data();

        var straight = new GroupRates();
        using (var model = TrainingFixtures.Model(TinyVit))
        using (var trainer = new Trainer(model, ResumeOptions(straight)))
            trainer.Fit(data.Loader(16, shuffle: true));

        var first = new GroupRates();
        using (var model = TrainingFixtures.Model(TinyVit))
        using (var trainer = new Trainer(model, ResumeOptions(first, new SaveAndStop(path, afterEpoch: 1, afterStep))))
            Assert.Equal("saved", trainer.Fit(data.Loader(16, shuffle: true)).StopReason.Message);

        var second = new GroupRates();
        using (var model = TrainingFixtures.Model(TinyVit, seed: 99))
        using (var trainer = new Trainer(model, ResumeOptions(second)))
        {
            trainer.LoadCheckpoint(path);
            Assert.Equal(9, trainer.Fit(data.Loader(16, shuffle: true)).Steps);
        }

        Assert.Equal(straight.Losses.Count, first.Losses.Count + second.Losses.Count);
        double[] resumed = [.. first.Losses, .. second.Losses];
        for (int i = 0; i < resumed.Length; i++)
            Assert.True(Math.Abs(straight.Losses[i] - resumed[i]) <= 1e-6, $"batch {i}: {straight.Losses[i]} vs {resumed[i]}");
        Assert.Equal(straight.Rates, [.. first.Rates, .. second.Rates]);
        // The newly unfrozen 'norm' group ran at 0.1x in epoch 1 and at ~0.32x in epoch 2 (ramp over 2 epochs).
        Assert.Contains(straight.Rates, r => r.Contains("norm/no_decay:0.1x"));
        Assert.Contains(straight.Rates, r => r.Contains("blocks.1:0.1x") && r.Contains("norm/no_decay:0.3162x"));
    }

    private static TrainerOptions ResumeOptions(params Callback[] callbacks)
    {
        var options = new TrainerOptions
        {
            Epochs = 3, Seed = 5, Optimizer = Optimizers.AdamW(2e-3), Schedule = LrSchedules.Cosine(warmupFraction: 0.2),
            ParameterGroups = m => LayerParameterGroups.Discriminative(m, 0.01, 1.0, new ParameterGroupOptions { IncludeFrozen = true }),
        };
        options.Callbacks.Add(new GradualUnfreezing(new GradualUnfreezingOptions { NewGroupLrScale = 0.1, LrRampEpochs = 2 }));
        foreach (Callback c in callbacks) options.Callbacks.Add(c);
        return options;
    }

    /// <summary>Which layer groups changed their values in each epoch.</summary>
    private sealed class ChangedGroups(IReadOnlyList<LayerGroup> groups) : Callback
    {
        private Dictionary<string, Tensor> _before = [];

        public List<List<string>> PerEpoch { get; } = [];

        public override int Order => CallbackOrder.Logger;

        public override void OnEpochStart(TrainingContext context) => _before = Snapshot(context);

        public override void OnEpochEnd(TrainingContext context)
        {
            var after = Snapshot(context);
            PerEpoch.Add([.. groups.Where(g => g.ParameterNames.Any(n => !_before[n].allclose(after[n], rtol: 0, atol: 0))).Select(g => g.Name)]);
            foreach (var t in _before.Values.Concat(after.Values)) t.Dispose();
        }

        private static Dictionary<string, Tensor> Snapshot(TrainingContext context)
        {
            using var _ = no_grad();
            return context.Model.Module.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone().DetachFromDisposeScope());
        }
    }

    /// <summary>Each batch's loss, and each step's rate per optimizer group with its run-time multiplier.</summary>
    private sealed class GroupRates : Callback
    {
        public List<double> Losses { get; } = [];
        public List<string> Rates { get; } = [];

        public override void OnAfterLoss(TrainingContext context) => Losses.Add(context.LossValue);

        public override void OnAfterStep(TrainingContext context)
        {
            var o = context.Optimizer;
            Rates.Add(string.Join(" ", o.Groups.Select((g, i) => FormattableString.Invariant($"{g.Name}:{o.LrMultiplier(i):0.####}x@{o.LearningRate(i):E6}"))));
        }
    }

    /// <summary>Saves a checkpoint and stops at the end of an epoch, or after a given optimizer step when that is ≥ 0.</summary>
    private sealed class SaveAndStop(string path, int afterEpoch, long afterStep) : Callback
    {
        public override void OnAfterStep(TrainingContext context)
        {
            if (context.Step == afterStep) Save(context);
        }

        public override void OnEpochEnd(TrainingContext context)
        {
            if (afterStep < 0 && context.Epoch == afterEpoch) Save(context);
        }

        private void Save(TrainingContext context)
        {
            context.SaveCheckpoint(path);
            context.StopTraining("saved");
        }
    }

    /// <summary>Makes loaders over one sample source (single worker, fixed seed).</summary>
    private sealed class SampleSourceLoader(FineTune.Vision.Data.SampleSource source) : IDisposable
    {
        private readonly List<FineTune.Vision.Data.DataLoader> _loaders = [];

        public FineTune.Vision.Data.DataLoader Loader(int batchSize, bool shuffle = false)
        {
            var loader = TrainingFixtures.Loader(source, batchSize, shuffle, seed: 5);
            _loaders.Add(loader);
            return loader;
        }

        public void Dispose() => _loaders.ForEach(l => l.Dispose());
    }
}
