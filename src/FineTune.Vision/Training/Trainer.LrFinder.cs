using FineTune.Vision.Data;
using FineTune.Vision.Training.Components;

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
        PrecisionComponent.Snapshot? precision = _precision?.Save();
        byte[] optimizer = SaveOptimizerState();
        bool wasTraining = _model.Module.training;
        try
        {
            _model.Module.train();
            return LrRangeTest.Sweep(train, options, numSteps, (batch, lr) => TrainBatch(batch, stepNow: true, lr, meter: null, raise: false, lossValue: true), cancellationToken);
        }
        finally
        {
            ModuleState.Restore(ModuleState.Of(_model.Module), model);
            ModuleState.Dispose(model);
            if (precision is { } p) _precision!.Restore(p);
            LoadOptimizerState(optimizer);
            _model.Module.train(wasTraining);
            Context.ClearBatch();
        }
    }
}
