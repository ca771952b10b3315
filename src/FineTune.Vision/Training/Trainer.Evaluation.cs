using FineTune.Vision.Data;
using FineTune.Vision.Metrics;
using FineTune.Vision.Training.Callbacks;
using FineTune.Vision.Training.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Training;

public sealed partial class Trainer
{
    /// <summary>Evaluates the model (eval mode, no gradients) on <paramref name="data"/>: hard-label loss, top-1/5, confusion matrix.</summary>
    public EvaluationResult Evaluate(DataLoader data, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Evaluate(data, cancellationToken, raise: false);
    }

    /// <summary>Evaluates the EMA weights (swapped into the model for the pass, then put back).</summary>
    /// <exception cref="InvalidOperationException">EMA is off.</exception>
    public EvaluationResult EvaluateEma(DataLoader data, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Ema is null) throw new InvalidOperationException("EvaluateEma needs TrainerOptions.Ema; the EMA is off.");
        var live = ModuleState.Snapshot(ModuleState.Of(_model.Module));
        try
        {
            Ema.CopyTo(_model.Module);
            return Evaluate(data, cancellationToken, raise: false);
        }
        finally
        {
            ModuleState.Restore(ModuleState.Of(_model.Module), live);
            ModuleState.Dispose(live);
        }
    }

    /// <summary>
    /// Class probabilities for every sample of <paramref name="data"/> (eval mode); with <paramref name="flipTta"/> the
    /// mean of the softmax of the images and of their horizontal mirror images.
    /// </summary>
    public Predictions Predict(DataLoader data, bool flipTta = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ObjectDisposedException.ThrowIf(_disposed, this);
        List<float[]> probabilities = [];
        List<int> predicted = [], actual = [], indices = [];
        RunEval(data, cancellationToken, (batch, images) =>
        {
            foreach (float[] row in ClassProbabilities.Rows(ClassProbabilities.Compute(_model.Module, images, flipTta)))
            {
                probabilities.Add(row);
                predicted.Add(Array.IndexOf(row, row.Max()));
            }
            actual.AddRange(batch.Labels.data<long>().ToArray().Select(l => (int)l));
            indices.AddRange(batch.SampleIndices);
        });
        return new Predictions([.. probabilities], [.. predicted], [.. actual], [.. indices], data.Source.Dataset.ClassNames);
    }

    private EvaluationResult Evaluate(DataLoader data, CancellationToken cancellationToken, bool raise)
    {
        var loss = new RunningMean();
        var topK = new TopKAccuracy(1, 5);
        var confusion = new ConfusionMatrix(Math.Max(1, _model.NumClasses));
        var calibration = new CalibrationError();
        List<int> predicted = [], actual = [];
        RunEval(data, cancellationToken, (batch, images) =>
        {
            Tensor logits = _model.Module.call(images);
            Tensor labels = batch.Labels.to(_device);
            loss.Add(LabelSmoothingCrossEntropy.Compute(logits, labels).item<float>(), batch.Count);
            topK.Update(logits, labels);
            // One host copy per batch for the confusion matrix, calibration and the per-sample labels.
            var (confidence, argmax) = logits.detach().to(ScalarType.Float32).softmax(1).max(1);
            float[] conf = confidence.cpu().data<float>().ToArray();
            long[] pred = argmax.cpu().data<long>().ToArray(), truth = batch.Labels.cpu().to(ScalarType.Int64).data<long>().ToArray();
            for (int i = 0; i < pred.Length; i++)
            {
                confusion.Add((int)truth[i], (int)pred[i]);
                calibration.Add(Math.Clamp(conf[i], 0f, 1f), pred[i] == truth[i]);
                predicted.Add((int)pred[i]);
                actual.Add((int)truth[i]);
            }
            if (raise) Raise(TrainingEvent.ValidationBatchEnd);
        });
        return new EvaluationResult(loss.Mean, topK.Value(1), topK.Value(5), topK.Count, confusion, calibration, [.. predicted], [.. actual]);
    }

    /// <summary>Runs <paramref name="body"/> on every batch in eval mode without gradients, each batch in its own scope.</summary>
    private void RunEval(DataLoader data, CancellationToken cancellationToken, Action<Batch, Tensor> body)
    {
        bool wasTraining = _model.Module.training;
        _model.Module.eval();
        try
        {
            using var noGrad = torch.no_grad();
            foreach (Batch batch in data.Epoch(0, cancellationToken))
            {
                using var scope = torch.NewDisposeScope();
                Tensor images = PrepareImages(batch.Images);
                if (ComputeType != ScalarType.Float32) images = images.to(ComputeType);
                body(batch, images);
            }
        }
        finally
        {
            _model.Module.train(wasTraining);
        }
    }

    private void Validate(DataLoader validation, CancellationToken cancellationToken)
    {
        Raise(TrainingEvent.ValidationStart);
        EvaluationResult result = Evaluate(validation, cancellationToken, raise: true);
        Context.AddEvaluation(new ValidationPoint(Context.Step, Context.Epoch, AtEpochEnd: true, result));
        Context.EpochValidation = result;
        if (validation.LastEpochSummary is { Skipped.Count: > 0 } summary) Context.EpochSkipped = [.. Context.EpochSkipped, .. summary.Skipped];
        Context.SetMetric(Metric.ValLoss, result.Loss);
        Context.SetMetric(Metric.ValTop1, result.Top1);
        Context.SetMetric(Metric.ValTop5, result.Top5);
        if (Ema is not null && Options.Ema!.Evaluate)
        {
            EvaluationResult ema = EvaluateEma(validation, cancellationToken);
            Context.SetMetric(Metric.EmaValLoss, ema.Loss);
            Context.SetMetric(Metric.EmaValTop1, ema.Top1);
            Context.SetMetric(Metric.EmaValTop5, ema.Top5);
        }
        Raise(TrainingEvent.ValidationEnd);
    }

    /// <summary>A validation inside an epoch: recorded, offered as the best weights, announced; the epoch's metrics stay as they are.</summary>
    private void ValidateAtStep(DataLoader validation, CancellationToken cancellationToken)
    {
        EvaluationResult result = Evaluate(validation, cancellationToken, raise: false);
        Context.AddEvaluation(new ValidationPoint(Context.Step, Context.Epoch, AtEpochEnd: false, result));
        if (Options.Logger is { } log) TrainingLog.StepValidation(log, Context.Step, Context.Epoch + 1, result);
        if (ValidationValue(Options.Monitor, result) is double value) ConsiderBest(value);
        Raise(TrainingEvent.StepValidationEnd);
    }

    /// <summary>Whether <paramref name="metric"/> is one a validation pass measures by itself (loss, top-1, top-5).</summary>
    internal static bool IsValidationMetric(Metric metric) =>
        metric.Name == Metric.ValLoss.Name || metric.Name == Metric.ValTop1.Name || metric.Name == Metric.ValTop5.Name;

    private static double? ValidationValue(Metric metric, EvaluationResult result) =>
        metric.Name == Metric.ValLoss.Name ? result.Loss
        : metric.Name == Metric.ValTop1.Name ? result.Top1
        : metric.Name == Metric.ValTop5.Name ? result.Top5
        : null;
}
