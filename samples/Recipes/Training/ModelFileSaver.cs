using FineTune.Vision.Models;
using FineTune.Vision.Training;
using FineTune.Vision.Training.Callbacks;
using FineTune.Vision.Weights;

namespace FineTune.Vision.Recipes;

/// <summary>
/// Writes the model as one-file models (<see cref="ModelFile"/>: architecture, configuration, class names and
/// preprocessing with the weights, LoRA merged) after each epoch: <c>last.safetensors</c> always and
/// <c>best.safetensors</c> when the monitored metric improves. Epochs with a non-finite metric are not saved.
/// </summary>
public sealed class ModelFileSaver : MetricTracker
{
    private readonly VisionModel _model;

    /// <summary>Saves <paramref name="model"/> into <paramref name="directory"/>, ranking epochs by <paramref name="monitor"/>.</summary>
    public ModelFileSaver(VisionModel model, string directory, Metric monitor) : base(monitor, 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        (_model, Directory) = (model, directory);
    }

    /// <summary>Where the files go.</summary>
    public string Directory { get; }

    /// <summary>The model of the last epoch.</summary>
    public string LastPath => Path.Combine(Directory, "last.safetensors");

    /// <summary>The model of the best epoch by the monitored metric.</summary>
    public string BestPath => Path.Combine(Directory, "best.safetensors");

    /// <inheritdoc />
    public override int Order => CallbackOrder.Saver;

    /// <inheritdoc />
    public override bool MainProcessOnly => true;

    /// <inheritdoc />
    public override void OnEpochEnd(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.EpochMetrics.TryGetValue(Monitor.Name, out double value) && !double.IsFinite(value)) return;
        if (context.StopRequested && !context.EpochMetrics.ContainsKey(Monitor.Name)) return;
        base.OnEpochEnd(context);
        System.IO.Directory.CreateDirectory(Directory);
        _model.Save(LastPath);
        if (IsNewBest) _model.Save(BestPath);
    }
}
