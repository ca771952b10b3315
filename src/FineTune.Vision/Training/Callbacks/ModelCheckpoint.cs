using System.Globalization;

namespace FineTune.Vision.Training.Callbacks;

/// <summary>
/// Saves checkpoints (weights as safetensors plus the training state for resume) after epochs: <c>last</c> every
/// epoch, <c>best</c> when the monitored metric improves, and the top-k epochs by the metric
/// (<c>epoch-NNN</c>, the worse ones deleted). An epoch whose monitored metric or weights are not finite (NaN or
/// infinity), or that was stopped before its metric was measured, is never saved, so a diverged run cannot overwrite a
/// good checkpoint; it is listed in <see cref="SkippedEpochs"/>.
/// </summary>
public sealed class ModelCheckpoint : MetricTracker
{
    /// <inheritdoc />
    public override bool MainProcessOnly => true;

    private readonly List<(double Value, string Path)> _top = [];
    private readonly List<int> _skipped = [];

    /// <summary>Creates the callback.</summary>
    /// <param name="directory">Where the files go.</param>
    /// <param name="monitor">The metric that ranks epochs (null: <see cref="Metric.ValLoss"/>).</param>
    /// <param name="saveBest">Whether to keep <c>best.safetensors</c>.</param>
    /// <param name="saveLast">Whether to keep <c>last.safetensors</c>.</param>
    /// <param name="keepTopK">How many per-epoch checkpoints to keep, best first (0: none).</param>
    public ModelCheckpoint(string directory, Metric? monitor = null, bool saveBest = true, bool saveLast = true, int keepTopK = 0)
        : base(monitor ?? Metric.ValLoss, 0)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentOutOfRangeException.ThrowIfNegative(keepTopK);
        (Directory, SaveBest, SaveLast, KeepTopK) = (directory, saveBest, saveLast, keepTopK);
    }

    /// <summary>Where the files go.</summary>
    public string Directory { get; }

    /// <summary>Whether <c>best.safetensors</c> is kept.</summary>
    public bool SaveBest { get; }

    /// <summary>Whether <c>last.safetensors</c> is kept.</summary>
    public bool SaveLast { get; }

    /// <summary>Per-epoch checkpoints kept.</summary>
    public int KeepTopK { get; }

    /// <summary>The weights file of the best epoch.</summary>
    public string BestPath => Path.Combine(Directory, "best.safetensors");

    /// <summary>The weights file of the last epoch.</summary>
    public string LastPath => Path.Combine(Directory, "last.safetensors");

    /// <summary>The per-epoch checkpoints kept, best first.</summary>
    public IReadOnlyList<string> TopK => _top.Select(t => t.Path).ToList();

    /// <summary>The epochs (0-based) not saved because their metric or weights were not finite, or the metric is missing from a stopped epoch.</summary>
    public IReadOnlyList<int> SkippedEpochs => _skipped;

    /// <inheritdoc />
    public override int Order => CallbackOrder.Saver;

    /// <inheritdoc />
    public override void OnEpochEnd(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!IsFinite(context))
        {
            _skipped.Add(context.Epoch);
            return;
        }
        base.OnEpochEnd(context);
        // The kept list is updated before anything is saved, so that every file saved now holds this epoch's state.
        (string? epochPath, List<string> dropped) = KeepTopK > 0 ? Rank(context) : (null, []);
        if (SaveLast) context.SaveCheckpoint(LastPath);
        if (SaveBest && IsNewBest) context.SaveCheckpoint(BestPath);
        if (epochPath is not null) context.SaveCheckpoint(epochPath);
        foreach (string drop in dropped)
            foreach (string file in new[] { drop, Trainer.StatePathFor(drop), Trainer.EmaPathFor(drop) }) File.Delete(file);
    }

    private bool IsFinite(TrainingContext context)
    {
        if (context.EpochMetrics.TryGetValue(Monitor.Name, out double value) ? !double.IsFinite(value) : context.StopRequested) return false;
        using var scope = TorchSharp.torch.NewDisposeScope();
        return context.Model.Module.parameters().All(p => !p.is_floating_point() || TorchSharp.torch.isfinite(p).all().item<bool>());
    }

    /// <inheritdoc />
    public override void SaveState(IDictionary<string, string> state)
    {
        base.SaveState(state);
        state["top.count"] = StateValues.Format(_top.Count);
        for (int i = 0; i < _top.Count; i++)
        {
            state[$"top.{i}.value"] = StateValues.Format(_top[i].Value);
            state[$"top.{i}.path"] = _top[i].Path;
        }
    }

    /// <inheritdoc />
    public override void LoadState(IReadOnlyDictionary<string, string> state)
    {
        base.LoadState(state);
        _top.Clear();
        int count = StateValues.Int(state, "top.count");
        for (int i = 0; i < count; i++)
            _top.Add((StateValues.Double(state, $"top.{i}.value"), state.GetValueOrDefault($"top.{i}.path") ?? throw new InvalidDataException($"Callback state has no 'top.{i}.path'.")));
    }

    /// <summary>Enters this epoch into the top-k list when it ranks; returns its file (or null) and the files that fell out.</summary>
    private (string? Path, List<string> Dropped) Rank(TrainingContext context)
    {
        bool better(double a, double b) => Monitor.IsBetter(a, b);
        string path = Path.Combine(Directory, string.Create(CultureInfo.InvariantCulture, $"epoch-{context.Epoch + 1:D3}.safetensors"));
        bool replaced = _top.RemoveAll(t => t.Path == path) > 0; // an epoch cut short, then finished after a resume
        if (_top.Count == KeepTopK && !better(Current, _top[^1].Value)) return (null, replaced ? [path] : []);
        _top.Add((Current, path));
        _top.Sort((a, b) => better(a.Value, b.Value) ? -1 : better(b.Value, a.Value) ? 1 : 0);
        List<string> dropped = [];
        while (_top.Count > KeepTopK)
        {
            dropped.Add(_top[^1].Path);
            _top.RemoveAt(_top.Count - 1);
        }
        return (dropped.Contains(path) ? null : path, dropped);
    }
}
