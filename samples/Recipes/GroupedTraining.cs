using FineTune.Vision.Adaptation;
using FineTune.Vision.Data;
using FineTune.Vision.Models;
using FineTune.Vision.Optim;
using FineTune.Vision.Optim.Schedules;
using FineTune.Vision.Training;
using FineTune.Vision.Training.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Recipes;

/// <summary>
/// Training over explicit parameter groups (discriminative learning rates), which <see cref="Trainer"/> cannot take
/// yet: its optimizer is always built from the model's trainable parameters with one rate. This is a plain fp32 loop
/// over the library's pieces — <see cref="Optimizers.Create(OptimizerConfig, IReadOnlyList{ParameterGroup})"/>, an
/// <see cref="ILrSchedule"/> applied through <see cref="TrainingOptimizer.SetLearningRate"/> (so each group gets the
/// scheduled rate times its <see cref="ParameterGroup.LrScale"/>), hard-label cross entropy, one dispose scope per
/// step — with validation by a <see cref="Trainer"/>'s <see cref="Trainer.Evaluate"/>. No mixing, EMA or callbacks.
/// </summary>
public static class GroupedTraining
{
    /// <summary>
    /// Trains <paramref name="model"/> for <paramref name="epochs"/> epochs over <paramref name="groups"/>; after each
    /// epoch evaluates on <paramref name="validation"/> and logs a line. Returns the per-epoch metrics.
    /// </summary>
    public static List<Dictionary<string, double>> Fit(IVisionModel model, IReadOnlyList<ParameterGroup> groups, OptimizerConfig optimizer,
        Func<long, ILrSchedule> schedule, DataLoader train, DataLoader validation, int epochs, long seed, TextWriter log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(log);
        using var optim = Optimizers.Create(optimizer, groups);
        using var evaluator = new Trainer(model, new TrainerOptions { Optimizer = optimizer, Seed = seed });
        ILrSchedule lrs = schedule((long)epochs * train.BatchesPerEpoch);
        var history = new List<Dictionary<string, double>>();
        long step = 0;
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            model.Module.train();
            double lossSum = 0;
            int batches = 0;
            foreach (Batch batch in train.Epoch(epoch, cancellationToken))
            {
                lossSum += Step(model, optim, lrs, step++, batch, seed);
                batches++;
            }
            var result = evaluator.Evaluate(validation, cancellationToken);
            var metrics = new Dictionary<string, double>(StringComparer.Ordinal)
            {
                ["train_loss"] = lossSum / Math.Max(1, batches), ["val_loss"] = result.Loss, ["val_top1"] = result.Top1, ["val_top5"] = result.Top5,
                ["lr"] = lrs.LrAt(step - 1),
            };
            history.Add(metrics);
            log.WriteLine($"  epoch {epoch + 1}/{epochs}: " + string.Join(", ", metrics.Select(m => $"{m.Key} {m.Value:G4}")));
        }
        return history;
    }

    private static double Step(IVisionModel model, TrainingOptimizer optim, ILrSchedule lrs, long step, Batch batch, long seed)
    {
        using var scope = torch.NewDisposeScope();
        torch.random.manual_seed(seed + step);
        Tensor logits = model.Module.call(batch.Images);
        Tensor loss = LabelSmoothingCrossEntropy.Compute(logits, batch.Labels);
        loss.backward();
        optim.SetLearningRate(lrs.LrAt(step));
        if (lrs is IMomentumSchedule { CyclesMomentum: true } momentum) optim.SetMomentum(momentum.MomentumAt(step));
        optim.Step();
        optim.ZeroGrad();
        return loss.item<float>();
    }
}
