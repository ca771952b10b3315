namespace FineTune.Vision.Training;

public sealed partial class Trainer
{
    /// <summary>The epoch to continue with: every epoch before it is done.</summary>
    private int _completedEpochs;

    /// <summary>The batch of <see cref="_completedEpochs"/> after its last optimizer step (0 at the epoch's start).</summary>
    private int _nextBatch;

    /// <summary>The epoch meter's sums at that step.</summary>
    private MeterMark _meterAtStep = MeterMark.Of(default);

    /// <summary>The meter of the epoch being trained.</summary>
    private EpochMeter? _epochMeter;

    /// <summary>History entries before the epoch <see cref="_completedEpochs"/> (a cut epoch's entry is dropped when it is finished).</summary>
    private int _historyAtEpochStart;

    private IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? _pendingCallbackStates;

    private void BeginEpoch(int epoch)
    {
        if (_nextBatch == 0) _historyAtEpochStart = Context.History.Count;
        else Context.TruncateHistory(_historyAtEpochStart); // the entry of this epoch's first, cut-short part
        Context.BeginEpoch(epoch);
    }

    /// <summary>Called after each optimizer step of the loop, before <see cref="TrainingEvent.AfterStep"/>: a checkpoint from here on resumes at the next batch.</summary>
    private void MarkStepBoundary()
    {
        MeterMark previous = _meterAtStep;
        (_nextBatch, _meterAtStep) = (Context.BatchIndex + 1, _epochMeter?.Mark() ?? MeterMark.Of(default));
        previous.Dispose();
    }

    /// <summary>Each callback's <see cref="Callback.SaveState"/>, keyed by type and position among callbacks of that type.</summary>
    private Dictionary<string, IReadOnlyDictionary<string, string>> SaveCallbackStates()
    {
        var states = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        foreach (var (key, callback) in KeyedCallbacks())
        {
            var state = new Dictionary<string, string>(StringComparer.Ordinal);
            callback.SaveState(state);
            if (state.Count > 0) states[key] = state;
        }
        return states;
    }

    private void RestoreCallbackStates()
    {
        if (_pendingCallbackStates is not { } states) return;
        _pendingCallbackStates = null;
        foreach (var (key, callback) in KeyedCallbacks())
        {
            if (!states.TryGetValue(key, out var state)) continue;
            try { callback.LoadState(state); }
            catch (Exception e) { throw new CallbackException(callback.GetType().Name, TrainingEvent.FitStart, e); }
        }
    }

    private IEnumerable<(string Key, Callback Callback)> KeyedCallbacks()
    {
        var seen = new Dictionary<Type, int>();
        foreach (Callback callback in _callbacks)
        {
            int k = seen.GetValueOrDefault(callback.GetType());
            seen[callback.GetType()] = k + 1;
            yield return ($"{callback.GetType().FullName}#{k}", callback);
        }
    }
}
