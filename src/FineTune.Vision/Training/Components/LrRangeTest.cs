using FineTune.Vision.Data;

namespace FineTune.Vision.Training.Components;

/// <summary>
/// fastai's <c>LRFinder</c>: an exponentially rising rate, one training batch per step through the trainer's own batch
/// step (callbacks and the EMA off), the smoothed loss recorded, a stop on divergence.
/// </summary>
internal static class LrRangeTest
{
    /// <summary>Sweeps <paramref name="numSteps"/> rates; <paramref name="trainBatch"/> runs one batch with a step at the given rate and returns its loss.</summary>
    public static LrFinderResult Sweep(DataLoader train, LrFinderOptions options, int numSteps, Func<Batch, double, double> trainBatch, CancellationToken cancellationToken)
    {
        List<double> lrs = [], losses = [];
        double average = 0, best = double.PositiveInfinity;
        int step = 0;
        for (int epoch = 0; step < numSteps; epoch++)
        {
            foreach (Batch batch in train.Epoch(epoch, cancellationToken))
            {
                double lr = options.StartLr * Math.Pow(options.EndLr / options.StartLr, (double)step / numSteps);
                double loss = trainBatch(batch, lr);
                step++;
                average = options.Beta * average + (1 - options.Beta) * loss;
                double smooth = average / (1 - Math.Pow(options.Beta, step));
                lrs.Add(lr);
                losses.Add(smooth);
                if (smooth < best) best = smooth;
                if (options.StopOnDivergence && (smooth > 4 * best || double.IsNaN(smooth)))
                    return new LrFinderResult([.. lrs], [.. losses], numSteps, $"the smoothed loss {smooth:G4} exceeded 4× its minimum {best:G4} at lr {lr:G3}");
                if (step >= numSteps) break;
            }
        }
        return new LrFinderResult([.. lrs], [.. losses], numSteps, null);
    }
}
