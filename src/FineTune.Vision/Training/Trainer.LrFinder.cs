using FineTune.Vision.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Training;

public sealed partial class Trainer
{
    /// <summary>
    /// The LR range test (fastai <c>lr_find</c>): trains with an exponentially rising rate, records the smoothed loss,
    /// stops on divergence, then restores the model, master weights, optimizer buffers and loss scaler exactly.
    /// Callbacks do not run; the EMA and the step counter are untouched.
    /// </summary>
    public LrFinderResult FindLearningRate(DataLoader train, LrFinderOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ObjectDisposedException.ThrowIf(_disposed, this);
        options ??= new LrFinderOptions();
        options.Validate();
        int numSteps = Math.Max(6, options.NumSteps);
        var model = ModuleState.Snapshot(ModuleState.Of(_model.Module));
        var masters = _masters is null ? null : ModuleState.Snapshot(_masters.Masters.Select(m => (m.Name, (Tensor)m.Master)));
        byte[] optimizer = SaveOptimizerState();
        var scale = _scaler is null ? default : (_scaler.Scale, _scaler.GrowthTracker, _scaler.SkippedSteps);
        bool wasTraining = _model.Module.training;
        try
        {
            _model.Module.train();
            return Sweep(train, options, numSteps, cancellationToken);
        }
        finally
        {
            ModuleState.Restore(ModuleState.Of(_model.Module), model);
            ModuleState.Dispose(model);
            if (masters is not null)
            {
                ModuleState.Restore(_masters!.Masters.Select(m => (m.Name, (Tensor)m.Master)), masters);
                ModuleState.Dispose(masters);
            }
            LoadOptimizerState(optimizer);
            _scaler?.Restore(scale.Scale, scale.GrowthTracker, scale.SkippedSteps);
            _model.Module.train(wasTraining);
            Context.ClearBatch();
        }
    }

    private LrFinderResult Sweep(DataLoader train, LrFinderOptions options, int numSteps, CancellationToken cancellationToken)
    {
        List<double> lrs = [], losses = [];
        double average = 0, best = double.PositiveInfinity;
        int step = 0;
        for (int epoch = 0; step < numSteps; epoch++)
        {
            foreach (Batch batch in train.Epoch(epoch, cancellationToken))
            {
                double lr = options.StartLr * Math.Pow(options.EndLr / options.StartLr, (double)step / numSteps);
                double loss = TrainBatch(batch, stepNow: true, lr, meter: null, raise: false);
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
