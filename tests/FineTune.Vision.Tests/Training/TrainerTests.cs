using FineTune.Vision.Models;
using FineTune.Vision.Optim;
using FineTune.Vision.Training;
using FineTune.Vision.Training.Callbacks;
using FineTune.Vision.Transforms;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Tests.Training;

/// <summary>The training loop end to end on real data, train/eval modes, losses, precision and control flow.</summary>
public sealed class TrainerTests : IDisposable
{
    private readonly IDisposable _threads = TrainingFixtures.SingleThread();

    /// <summary>Restores the intra-op thread count.</summary>
    public void Dispose() => _threads.Dispose();

    [Fact]
    public void Learns_fashion_mnist_with_a_tiny_vit_and_evaluates_and_predicts()
    {
        using var model = TrainingFixtures.Model(TrainingFixtures.FashionVit());
        using var train = TrainingFixtures.Loader(TrainingFixtures.Encode(TrainingFixtures.FashionTrain(3000)), 16, shuffle: true);
        using var test = TrainingFixtures.Loader(TrainingFixtures.Encode(TrainingFixtures.FashionTest(600)), 100, shuffle: false);
        using var trainer = new Trainer(model, new TrainerOptions
        {
            Epochs = 3, Optimizer = Optimizers.AdamW(3e-3), Schedule = LrSchedules.Cosine(warmupFraction: 0.05), LabelSmoothing = 0.1,
        });
        var context = trainer.Fit(train, test);

        Assert.Equal(3, context.History.Count);
        Assert.True(context.History[2][Metric.TrainLoss] < context.History[0][Metric.TrainLoss], "training loss should fall");
        EvaluationResult result = trainer.Evaluate(test);
        Assert.True(result.Top1 > 0.5, $"10 classes, chance is 10%; got {result}");
        Assert.True(result.Top5 > result.Top1);
        Assert.Equal(600, result.Samples);
        Assert.Equal(600, result.Confusion.Total);
        Assert.Equal(result.Top1, context.History[2][Metric.ValTop1], 6);
        Assert.Equal(10, result.PerClassAccuracy.Count);

        Predictions plain = trainer.Predict(test), flipped = trainer.Predict(test, flipTta: true);
        Assert.Equal(600, plain.Count);
        Assert.All(flipped.Probabilities, p => Assert.Equal(1.0, p.Sum(), 3));
        double accuracy = Enumerable.Range(0, plain.Count).Count(i => plain.Labels[i] == plain.TrueLabels[i]) / 600.0;
        Assert.Equal(result.Top1, accuracy, 6);
        Assert.NotEqual(plain.Probabilities[0][0], flipped.Probabilities[0][0]);
    }

    [Fact]
    public void Steps_run_in_train_mode_with_drop_path_active_and_validation_in_eval_mode()
    {
        using var model = TrainingFixtures.Model(TrainingFixtures.FashionVit(dropPath: 0.5));
        using var train = TrainingFixtures.Loader(TrainingFixtures.Encode(TrainingFixtures.FashionTrain(64)), 16, shuffle: true);
        using var val = TrainingFixtures.Loader(TrainingFixtures.Encode(TrainingFixtures.FashionTest(32)), 16, shuffle: false);
        var recorder = new Recorder();
        var probe = new DropPathProbe();
        using var trainer = new Trainer(model, new TrainerOptions { Epochs = 1, Callbacks = { recorder, probe } });
        trainer.Fit(train, val);

        Assert.Equal(4, recorder.TrainingFlags.Count);
        Assert.All(recorder.TrainingFlags, Assert.True);
        Assert.Equal(2, recorder.ValidationFlags.Count);
        Assert.All(recorder.ValidationFlags, Assert.False);
        Assert.True(probe.TrainOutputsDiffer, "two train-mode forwards of the same batch should differ with drop path 0.5");
        Assert.True(probe.EvalOutputsEqual, "eval-mode forwards must be deterministic");
        Assert.Equal(["FitStart", "EpochStart0", "EpochEnd0", "FitEnd"], recorder.Events);
    }

    /// <summary>Inside a training step, forwards the batch twice in train mode and twice in eval mode.</summary>
    private sealed class DropPathProbe : Callback
    {
        public bool TrainOutputsDiffer { get; private set; }
        public bool EvalOutputsEqual { get; private set; }

        public override void OnBatchStart(TrainingContext context)
        {
            if (context.BatchIndex != 0) return;
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var m = context.Model.Module;
            TrainOutputsDiffer = !m.call(context.Images!).allclose(m.call(context.Images!));
            m.eval();
            EvalOutputsEqual = m.call(context.Images!).eq(m.call(context.Images!)).all().item<bool>();
            m.train();
        }
    }

    [Fact]
    public void Distilled_deit_without_a_teacher_trains_both_heads_through_the_averaged_logits()
    {
        var config = TrainingFixtures.FashionVit() with { };
        torch.manual_seed(3);
        using var model = new VisionTransformerDistilled(config);
        var before = model.named_parameters().Where(p => p.name.StartsWith("head", StringComparison.Ordinal))
            .ToDictionary(p => p.name, p => p.parameter.detach().clone());
        using var train = TrainingFixtures.Loader(TrainingFixtures.Encode(TrainingFixtures.FashionTrain(32)), 16, shuffle: true);
        using var trainer = new Trainer(model, new TrainerOptions { Epochs = 1, Optimizer = Optimizers.Sgd(0.1) });
        trainer.Fit(train);
        foreach (var (name, p) in model.named_parameters().Where(p => before.ContainsKey(p.name)))
            Assert.False(p.detach().eq(before[name]).all().item<bool>(), $"{name} should have been trained");
        Assert.Contains("head_dist.weight", before.Keys);
    }

    [Fact]
    public void Mixup_switches_to_soft_targets_and_bf16_trains_with_fp32_masters()
    {
        using var model = TrainingFixtures.Model(TrainingFixtures.FashionVit());
        using var train = TrainingFixtures.Loader(TrainingFixtures.Encode(TrainingFixtures.FashionTrain(256)), 32, shuffle: true, dropLast: true);
        var softTargets = new List<long[]>();
        using var trainer = new Trainer(model, new TrainerOptions
        {
            Epochs = 2, Precision = TrainingPrecision.BFloat16, Optimizer = Optimizers.AdamW(3e-3), ClipGradNorm = 1.0,
            Mixing = new MixupCutMix(new MixupCutMixOptions { MixupAlpha = 0.8, CutMixAlpha = 1.0, NumClasses = 10 }),
            Callbacks = { new LambdaCallback(c => softTargets.Add(c.Targets?.shape ?? [])) },
        });
        var context = trainer.Fit(train);
        Assert.All(softTargets, s => Assert.Equal(new long[] { 32, 10 }, s));
        Assert.All(model.parameters(), p => Assert.Equal(ScalarType.BFloat16, p.dtype));
        Assert.All(trainer.Optimizer.Parameters, p => Assert.Equal(ScalarType.Float32, p.dtype));
        Assert.True(context.History[1][Metric.TrainLoss] < context.History[0][Metric.TrainLoss], "bf16 training should lower the loss");
    }

    [Fact]
    public void Gradient_accumulation_steps_once_per_window_and_max_steps_stops_the_run()
    {
        using var model = TrainingFixtures.Model(TrainingFixtures.MicroVit);
        using var train = TrainingFixtures.Loader(TrainingFixtures.Encode(TrainingFixtures.FashionTrain(80), 8), 8, shuffle: true);
        var recorder = new Recorder();
        using var trainer = new Trainer(model, new TrainerOptions { Epochs = 3, GradientAccumulation = 3, Callbacks = { recorder } });
        var context = trainer.Fit(train);
        Assert.Equal(3 * 4, context.Steps); // 10 batches per epoch → windows of 3, 3, 3, 1
        Assert.Equal(30, recorder.Losses.Count);

        using var model2 = TrainingFixtures.Model(TrainingFixtures.MicroVit);
        var recorder2 = new Recorder();
        using var budget = new Trainer(model2, new TrainerOptions { Epochs = 5, MaxSteps = 7, Callbacks = { recorder2 } });
        var c2 = budget.Fit(train);
        Assert.Equal(7, c2.Steps);
        Assert.Equal(7, recorder2.Losses.Count);
        Assert.Contains("step budget", c2.StopReason.Message);
    }

    [Fact]
    public void Options_errors_are_listed_together()
    {
        using var model = TrainingFixtures.Model(TrainingFixtures.MicroVit);
        var e = Assert.Throws<ArgumentException>(() => new Trainer(model, new TrainerOptions
        {
            Epochs = 0, GradientAccumulation = 0, ClipGradNorm = -1, LabelSmoothing = 1.5, Ema = new EmaOptions { Decay = 2 },
        }));
        foreach (string key in new[] { "Epochs", "GradientAccumulation", "ClipGradNorm", "LabelSmoothing", "Decay" }) Assert.Contains(key, e.Message);
    }

    [Fact]
    public void Callback_failures_name_the_callback_and_event_and_nan_terminates()
    {
        using var model = TrainingFixtures.Model(TrainingFixtures.MicroVit);
        using var train = TrainingFixtures.Loader(TrainingFixtures.Encode(TrainingFixtures.FashionTrain(32), 8), 8, shuffle: false);
        using (var failing = new Trainer(model, new TrainerOptions { Epochs = 1, Callbacks = { new LambdaCallback(_ => throw new InvalidOperationException("boom")) } }))
        {
            var e = Assert.Throws<CallbackException>(() => failing.Fit(train));
            Assert.Equal(TrainingEvent.BatchStart, e.Event);
            Assert.Contains("LambdaCallback", e.Message);
            Assert.Contains("boom", e.Message);
        }
        var weights = model.parameters().Select(p => p.detach().clone()).ToList();
        using var trainer = new Trainer(model, new TrainerOptions
        {
            Epochs = 3, Callbacks = { new TerminateOnNaN(), new LambdaCallback(c => c.Images!.fill_(float.NaN)) },
        });
        var context = trainer.Fit(train);
        Assert.Contains("NaN", context.StopReason.Message);
        Assert.Single(context.History);
        Assert.All(model.parameters().Zip(weights), pw => Assert.True(pw.First.detach().eq(pw.Second).all().item<bool>(), "the NaN step must be skipped"));
    }

    [Fact]
    public void Early_stopping_stops_when_the_monitored_metric_stalls()
    {
        using var model = TrainingFixtures.Model(TrainingFixtures.MicroVit);
        var train = TrainingFixtures.Encode(TrainingFixtures.FashionTrain(36), 8); // the trainer makes its own loader
        // With a zero-ish rate the loss never improves by min_delta: patience 2 stops after epoch 3.
        var stop = new EarlyStopping(Metric.TrainLoss, patience: 2, minDelta: 1.0);
        using var trainer = new Trainer(model, new TrainerOptions { Epochs = 10, BatchSize = 8, Workers = 1, Optimizer = Optimizers.Sgd(1e-9), Callbacks = { stop } });
        var context = trainer.Fit(train);
        Assert.Equal(4 * 3, context.Steps); // 36 samples, batch 8, last partial batch dropped
        Assert.Equal(3, context.History.Count);
        Assert.Contains("train_loss has not improved for 2 epochs", context.StopReason.Message);
        Assert.Equal(MetricMode.Min, stop.Mode);
    }
}

/// <summary>Runs an action at every training batch start (test helper).</summary>
internal sealed class LambdaCallback(Action<TrainingContext> onBatchStart) : Callback
{
    public override void OnBatchStart(TrainingContext context) => onBatchStart(context);
}
