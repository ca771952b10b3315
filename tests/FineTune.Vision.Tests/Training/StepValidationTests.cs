using FineTune.Vision.Metrics;
using FineTune.Vision.Optim;
using FineTune.Vision.Training;
using FineTune.Vision.Training.Callbacks;

namespace FineTune.Vision.Tests.Training;

/// <summary>Validation every N steps (the Hugging Face Trainer's eval_steps) and keeping the best weights (load_best_model_at_end).</summary>
public class StepValidationTests
{
    private static TrainerOptions Options(int epochs = 2) => new()
    {
        Epochs = epochs, BatchSize = 8, Workers = 1, Optimizer = Optimizers.AdamW(3e-3), Schedule = LrSchedules.Constant(),
    };

    [Fact]
    public void Validates_every_n_steps_inside_epochs_and_at_each_epochs_end_with_what_the_weights_were_then()
    {
        using var threads = TrainingFixtures.SingleThread();
        var counter = new StepValidationCounter();
        FitResult result;
        using (var model = TrainingFixtures.Model(TrainingFixtures.MicroVit))
        using (var trainer = new Trainer(model, Options() with { EvalEverySteps = 3, Callbacks = [counter] }))
            result = trainer.Fit(TrainingFixtures.Encode(TrainingFixtures.FashionTrain(32), 8), TrainingFixtures.Encode(TrainingFixtures.FashionTest(24), 8));

        // 4 steps per epoch: step 3 inside epoch 0, its end at 4, step 6 inside epoch 1, its end at 8.
        Assert.Equal([(3L, 0, false), (4L, 0, true), (6L, 1, false), (8L, 1, true)], result.Evaluations.Select(e => (e.Step, e.Epoch, e.AtEpochEnd)));
        Assert.Equal([3L, 6L], counter.Steps);
        Assert.Same(result.History[0].Validation, result.Evaluations[1].Result);
        Assert.Same(result.History[1].Validation, result.Evaluations[3].Result);
        Assert.Same(result.LastValidation, result.Evaluations[3].Result);

        // The step-3 validation measured the weights after 3 steps: a run stopped there (same seed, same schedule) agrees.
        using var again = TrainingFixtures.Model(TrainingFixtures.MicroVit);
        using var stopped = new Trainer(again, Options() with { MaxSteps = 3 });
        stopped.Fit(TrainingFixtures.Encode(TrainingFixtures.FashionTrain(32), 8));
        EvaluationResult atThree = stopped.Evaluate(TrainingFixtures.Loader(TrainingFixtures.Encode(TrainingFixtures.FashionTest(24), 8), 8, shuffle: false));
        Assert.Equal(atThree.Loss, result.Evaluations[0].Result.Loss, 6);
        Assert.Equal(atThree.PredictedLabels, result.Evaluations[0].Result.PredictedLabels);
    }

    [Theory]
    [InlineData(TrainingPrecision.Float32)]
    [InlineData(TrainingPrecision.BFloat16)]
    public void Keep_best_model_puts_back_the_weights_of_the_best_validation(TrainingPrecision precision)
    {
        using var threads = TrainingFixtures.SingleThread();
        using var model = TrainingFixtures.Model(TrainingFixtures.MicroVit);
        var validation = TrainingFixtures.Loader(TrainingFixtures.Encode(TrainingFixtures.FashionTest(24), 8), 8, shuffle: false);
        // A learning rate high enough that the validation loss does not fall monotonically.
        using var trainer = new Trainer(model, Options(epochs: 3) with
        {
            EvalEverySteps = 1, KeepBestModel = true, Monitor = Metric.ValLoss, Precision = precision, Optimizer = Optimizers.AdamW(0.5),
        });
        FitResult result = trainer.Fit(TrainingFixtures.Loader(TrainingFixtures.Encode(TrainingFixtures.FashionTrain(32), 8), 8, shuffle: true), validation);

        ValidationPoint best = result.Evaluations.MinBy(e => e.Result.Loss)!;
        Assert.NotSame(best, result.Evaluations[^1]); // otherwise the test would not tell restored weights from the last ones
        Assert.NotNull(result.RestoredBest);
        Assert.Equal((best.Step, best.Epoch, best.Result.Loss), (result.RestoredBest!.Step, result.RestoredBest.Epoch, result.RestoredBest.Value));
        EvaluationResult now = trainer.Evaluate(validation);
        Assert.Equal(best.Result.Loss, now.Loss, 6);
        Assert.Equal(best.Result.PredictedLabels, now.PredictedLabels);
    }

    [Fact]
    public void Without_keep_best_model_the_model_keeps_the_last_weights()
    {
        using var threads = TrainingFixtures.SingleThread();
        using var model = TrainingFixtures.Model(TrainingFixtures.MicroVit);
        var validation = TrainingFixtures.Loader(TrainingFixtures.Encode(TrainingFixtures.FashionTest(24), 8), 8, shuffle: false);
        using var trainer = new Trainer(model, Options() with { Optimizer = Optimizers.AdamW(0.05) });
        FitResult result = trainer.Fit(TrainingFixtures.Loader(TrainingFixtures.Encode(TrainingFixtures.FashionTrain(32), 8), 8, shuffle: true), validation);
        Assert.Null(result.RestoredBest);
        Assert.Equal(result.Evaluations[^1].Result.Loss, trainer.Evaluate(validation).Loss, 6);
    }

    [Fact]
    public void Options_refuse_a_step_interval_below_one_and_a_best_model_monitor_that_steps_cannot_measure()
    {
        var e = Assert.Throws<ArgumentException>(() => (Options() with { EvalEverySteps = 0 }).Validate());
        Assert.Contains("EvalEverySteps must be > 0", e.Message);
        e = Assert.Throws<ArgumentException>(() => (Options() with { EvalEverySteps = 10, KeepBestModel = true, Monitor = Metric.TrainLoss }).Validate());
        Assert.Contains("KeepBestModel with EvalEverySteps needs a validation Monitor", e.Message);
        (Options() with { KeepBestModel = true, Monitor = Metric.TrainLoss }).Validate(); // per epoch, any metric will do
    }

    [Fact]
    public void An_evaluation_carries_its_interval_report_calibration_and_per_sample_labels_for_mcnemar()
    {
        using var threads = TrainingFixtures.SingleThread();
        using var model = TrainingFixtures.Model(TrainingFixtures.MicroVit);
        using var other = TrainingFixtures.Model(TrainingFixtures.MicroVit, seed: 2);
        var data = TrainingFixtures.Loader(TrainingFixtures.Encode(TrainingFixtures.FashionTest(40), 8), 8, shuffle: false);
        using var a = new Trainer(model, Options());
        using var b = new Trainer(other, Options());
        EvaluationResult first = a.Evaluate(data), second = b.Evaluate(data);

        Assert.Equal(40, first.Top1Estimate.Total);
        Assert.Equal(first.Top1, first.Top1Estimate.Value, 12);
        Assert.Equal(first.TrueLabels.Zip(first.PredictedLabels).Count(p => p.First == p.Second), first.Top1Estimate.Correct);
        Assert.Equal(ConfidenceInterval.ForProportion(first.Top1Estimate.Correct, 40), first.Top1Estimate.Interval);
        Assert.Contains(first.Top1Estimate.Interval!.Value.ToString(), first.ToString(), StringComparison.Ordinal);
        Assert.Equal(40, first.Calibration.Total);
        Assert.Equal(first.Confusion.Report().MacroF1, first.Report().MacroF1);

        McNemarTest test = first.CompareWith(second);
        Assert.Equal(first.Top1Estimate.Correct, test.OnlyFirstCorrect + test.BothCorrect);
        Assert.Equal(second.Top1Estimate.Correct, test.OnlySecondCorrect + test.BothCorrect);
        Assert.Equal(1.0, first.CompareWith(first).PValue);
        EvaluationResult fewer = a.Evaluate(TrainingFixtures.Loader(TrainingFixtures.Encode(TrainingFixtures.FashionTest(16), 8), 8, shuffle: false));
        Assert.Throws<ArgumentException>(() => first.CompareWith(fewer));
    }

    private sealed class StepValidationCounter : Callback
    {
        public List<long> Steps { get; } = [];

        public override void OnStepValidationEnd(TrainingContext context) => Steps.Add(context.Step);
    }
}
