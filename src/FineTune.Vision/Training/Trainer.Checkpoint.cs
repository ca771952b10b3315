using System.Globalization;
using FineTune.Vision.Weights;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Training;

public sealed partial class Trainer
{
    /// <summary>The training-state file saved beside <paramref name="weightsPath"/> (<c>name.trainstate</c>).</summary>
    public static string StatePathFor(string weightsPath) => Path.ChangeExtension(weightsPath, ".trainstate");

    /// <summary>The EMA weights file saved beside <paramref name="weightsPath"/> (<c>name.ema.safetensors</c>).</summary>
    public static string EmaPathFor(string weightsPath) => Path.ChangeExtension(weightsPath, ".ema.safetensors");

    /// <summary>
    /// Saves a checkpoint: the weights as safetensors (fp32: the master weights under mixed precision), the EMA
    /// weights beside them, and the training state (<see cref="StatePathFor"/>: epochs done and the batch after the
    /// last optimizer step of an epoch in progress, optimizer step, optimizer buffers, loss scaler, seed, the
    /// reduce-on-plateau counters, the epoch history and every callback's <see cref="Callback.SaveState"/>). Each file
    /// is written atomically. It may be called from a callback at any event, or after <c>Fit</c> returns. In
    /// distributed training only rank 0 writes (the ranks hold the same state); on the others this does nothing.
    /// </summary>
    public void SaveCheckpoint(string weightsPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(weightsPath);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_group.IsMain) return;
        string? folder = Path.GetDirectoryName(Path.GetFullPath(weightsPath));
        if (folder is not null) Directory.CreateDirectory(folder);
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "pt", ["model"] = _model.Name,
            ["epoch"] = _completedEpochs.ToString(CultureInfo.InvariantCulture),
            ["step"] = Context.Step.ToString(CultureInfo.InvariantCulture),
            ["next_batch"] = _nextBatch.ToString(CultureInfo.InvariantCulture),
        };
        using (var scope = torch.NewDisposeScope())
            SafeTensors.Save(weightsPath, WeightsToSave(), metadata);
        if (Ema is not null) SafeTensors.Save(EmaPathFor(weightsPath), Ema.Shadows);
        var state = new TrainingStateFile
        {
            CompletedEpochs = _completedEpochs, Step = Context.Step, Seed = Options.Seed, Precision = Options.Precision,
            LossScale = LossScaler?.Scale, GrowthTracker = LossScaler?.GrowthTracker ?? 0, SkippedSteps = LossScaler?.SkippedSteps ?? 0,
            OptimizerState = SaveOptimizerState(), NextBatch = _nextBatch, Meter = _nextBatch > 0 ? _meterAtStep.State : default,
            Plateau = _plateau.State,
            History = _nextBatch > 0 ? [.. Context.History.Take(_historyAtEpochStart)] : Context.History,
            Callbacks = SaveCallbackStates(),
        };
        state.Write(StatePathFor(weightsPath));
        if (Options.Logger is { } log) TrainingLog.CheckpointSaved(log, weightsPath, _completedEpochs, Context.Step);
    }

    /// <summary>
    /// Restores a checkpoint saved by <see cref="SaveCheckpoint"/> (weights, EMA, optimizer buffers, loss scaler,
    /// epoch, batch and step, plateau counters, history); the next
    /// <see cref="Fit(Data.DataLoader, Data.DataLoader?, CancellationToken)"/> continues where the checkpoint was
    /// taken: with the epoch after the saved one, or in the middle of an epoch with the batch after its last optimizer
    /// step (the batches before it are skipped without being loaded). Callback states are handed to the callbacks after
    /// that fit's <see cref="TrainingEvent.FitStart"/>. The data order, augmentations, batch transforms and dropout
    /// are the same as in an uninterrupted run, since they depend only on (seed, epoch, index), so the losses are too.
    /// </summary>
    /// <exception cref="InvalidDataException">A file is missing, from another model, or from another configuration.</exception>
    public void LoadCheckpoint(string weightsPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(weightsPath);
        ObjectDisposedException.ThrowIf(_disposed, this);
        TrainingStateFile state = TrainingStateFile.Read(StatePathFor(weightsPath));
        if (state.Precision != Options.Precision || state.Seed != Options.Seed)
            throw new InvalidDataException(
                $"'{StatePathFor(weightsPath)}' was saved with Precision {state.Precision} and Seed {state.Seed}; this trainer has {Options.Precision} and {Options.Seed}. Use the same options to resume.");
        using (StateDict weights = SafeTensors.Load(weightsPath))
        {
            CheckSameSave(weights, state, weightsPath);
            LoadWeights(weights, weightsPath);
        }
        if (Ema is not null)
        {
            string emaPath = EmaPathFor(weightsPath);
            if (File.Exists(emaPath)) { using StateDict ema = SafeTensors.Load(emaPath); Ema.Load(ema.ToDictionary(kv => kv.Key, kv => kv.Value), emaPath); }
            else Ema.Load(ModuleState.Of(_model.Module).ToDictionary(e => e.Name, e => e.Value, StringComparer.Ordinal), weightsPath);
        }
        if (LossScaler is not null && state.LossScale is double scale) LossScaler.Restore(scale, state.GrowthTracker, state.SkippedSteps);
        LoadOptimizerState(state.OptimizerState);
        _meterAtStep.Dispose();
        // The saved meter holds rank 0's sums of the cut epoch; the other ranks start theirs from zero.
        (_completedEpochs, _nextBatch, _meterAtStep) = (state.CompletedEpochs, state.NextBatch, MeterMark.Of(_group.IsMain ? state.Meter : default));
        Context.Step = state.Step;
        Context.RestoreHistory(state.History);
        _historyAtEpochStart = state.History.Count;
        (_schedule, _pendingCallbackStates) = (null, state.Callbacks);
        _plateau.Load(state.Plateau);
    }

    /// <summary>The weights and the state file are written one after the other; a crash between them leaves a torn pair.</summary>
    private static void CheckSameSave(StateDict weights, TrainingStateFile state, string weightsPath)
    {
        string Saved(string key) => weights.Metadata.TryGetValue(key, out string? v) ? v : "0";
        string expected = string.Create(CultureInfo.InvariantCulture, $"epoch {state.CompletedEpochs}, step {state.Step}, next batch {state.NextBatch}");
        string actual = $"epoch {Saved("epoch")}, step {Saved("step")}, next batch {Saved("next_batch")}";
        if (actual != expected)
            throw new InvalidDataException(
                $"Checkpoint '{weightsPath}' ({actual}) and its training state '{StatePathFor(weightsPath)}' ({expected}) come from different saves; a save was interrupted between the two files. Resume from an older checkpoint.");
    }

    private IEnumerable<KeyValuePair<string, Tensor>> WeightsToSave()
    {
        var masters = _precision?.MasterTensors.ToDictionary(m => m.Name, m => m.Value, StringComparer.Ordinal);
        foreach (var (name, value) in ModuleState.Of(_model.Module))
        {
            Tensor t = masters is not null && masters.TryGetValue(name, out Tensor? m) ? m : value;
            yield return KeyValuePair.Create(name, t.is_floating_point() && t.dtype != ScalarType.Float32 ? t.to(ScalarType.Float32) : t);
        }
    }

    private void LoadWeights(StateDict weights, string path)
    {
        var live = ModuleState.Of(_model.Module).ToList();
        var missing = live.Where(e => !weights.ContainsKey(e.Name)).Select(e => e.Name).ToList();
        var wrong = live.Where(e => weights.ContainsKey(e.Name) && !weights[e.Name].shape.SequenceEqual(e.Value.shape))
            .Select(e => $"{e.Name} [{string.Join(", ", weights[e.Name].shape)}] vs [{string.Join(", ", e.Value.shape)}]").ToList();
        if (missing.Count + wrong.Count > 0)
            throw new InvalidDataException($"Checkpoint '{path}' does not fit the model '{_model.Name}': missing {string.Join(", ", missing.Take(10))}; shape mismatches {string.Join("; ", wrong.Take(10))}.");
        var saved = weights.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        ModuleState.Restore(live, saved);
        if (_precision is not null) ModuleState.Restore(_precision.MasterTensors, saved);
    }

    private byte[] SaveOptimizerState()
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
            ((OptimizerHelper)Optimizer.Optimizer).save_state_dict(writer);
        return stream.ToArray();
    }

    private void LoadOptimizerState(byte[] bytes)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes));
        var helper = (OptimizerHelper)Optimizer.Optimizer;
        helper.load_state_dict(reader);
        if (_device.type != DeviceType.CPU) helper.to(_device);
    }
}
