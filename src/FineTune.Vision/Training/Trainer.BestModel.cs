using static TorchSharp.torch;

namespace FineTune.Vision.Training;

public sealed partial class Trainer
{
    /// <summary>The best weights so far (<see cref="TrainerOptions.KeepBestModel"/>): model state, fp32 masters with mixed precision, and where they were.</summary>
    private sealed record BestWeights(Dictionary<string, Tensor> Model, Dictionary<string, Tensor>? Masters, RestoredWeights At);

    /// <summary>Keeps a copy of the current weights when <paramref name="value"/> of the monitor beats the best so far.</summary>
    private void ConsiderBest(double value)
    {
        if (!Options.KeepBestModel || double.IsNaN(value)) return;
        if (_best is { } best && !Options.Monitor.IsBetter(value, best.At.Value)) return;
        DisposeBest();
        _best = new BestWeights(
            ModuleState.Snapshot(ModuleState.Of(_model.Module)),
            _precision is null ? null : ModuleState.Snapshot(_precision.MasterTensors),
            new RestoredWeights(Context.Step, Context.Epoch, Options.Monitor, value));
    }

    /// <summary>Copies the best weights back into the model (and the masters) and frees the copy; returns where they came from.</summary>
    private RestoredWeights? RestoreBest()
    {
        if (_best is not { } best) return null;
        ModuleState.Restore(ModuleState.Of(_model.Module), best.Model);
        if (best.Masters is not null && _precision is not null) ModuleState.Restore(_precision.MasterTensors, best.Masters);
        DisposeBest();
        return best.At;
    }

    private void DisposeBest()
    {
        if (_best is null) return;
        ModuleState.Dispose(_best.Model);
        if (_best.Masters is not null) ModuleState.Dispose(_best.Masters);
        _best = null;
    }
}
