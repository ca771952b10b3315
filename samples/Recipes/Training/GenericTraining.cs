using FineTune.Vision.Core;
using FineTune.Vision.Data;
using FineTune.Vision.Distributed;
using FineTune.Vision.Models;
using FineTune.Vision.Training;
using FineTune.Vision.Training.Callbacks;
using FineTune.Vision.Transforms;

namespace FineTune.Vision.Recipes;

/// <summary>What a generic training run wrote and how it ended.</summary>
/// <param name="Fit">The trainer's result.</param>
/// <param name="LastModel">The one-file model of the last epoch (null when no epoch finished).</param>
/// <param name="BestModel">The one-file model of the best epoch (null when no epoch finished).</param>
/// <param name="Checkpoint">The checkpoint <c>--resume</c> continues from: the recovery checkpoint of a cancelled run, else the last epoch's.</param>
public sealed record GenericTrainingResult(FitResult Fit, string? LastModel, string? BestModel, string Checkpoint)
{
    /// <summary>Whether this process is rank 0 of its group (the one that wrote the files and prints); true when training alone.</summary>
    public bool MainProcess { get; init; } = true;
}

/// <summary>
/// <c>ftv train</c>'s core, a function of the settings, a log and a cancellation token (so that a host, a test or a
/// distributed launcher can run it): data, model, pipelines and <see cref="TrainerOptions"/> from <see cref="TrainSetup"/>,
/// then <see cref="Trainer.Fit(SampleSource, SampleSource?, CancellationToken)"/> with the output folder's callbacks.
/// </summary>
public static class GenericTraining
{
    /// <summary>
    /// Runs the training that <paramref name="settings"/> describe. <c>--output DIR</c> receives <c>last.safetensors</c> and
    /// <c>best.safetensors</c> (one-file models), <c>summary.csv</c> (one row per epoch), <c>tensorboard/</c> (event files),
    /// and <c>checkpoints/</c> (weights + training state for <c>--resume</c>). Cancelling <paramref name="cancellationToken"/>
    /// stops after the current step and saves <c>checkpoints/recovery.safetensors</c>; the result then says where, and
    /// <see cref="FitResult.StopReason"/> is cancelled.
    /// </summary>
    /// <param name="settings">The run.</param>
    /// <param name="log">Progress and results.</param>
    /// <param name="cancellationToken">Stops the run after the current step, with a recovery checkpoint.</param>
    /// <param name="callbacks">More callbacks for the trainer (a host's logging, a distributed launcher's hooks); null: none.</param>
    /// <exception cref="RecipeUsageException">A setting is invalid (the message names the option).</exception>
    public static GenericTrainingResult Run(TrainSettings settings, TextWriter log, CancellationToken cancellationToken = default, IReadOnlyList<Callback>? callbacks = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(log);
        TrainSetup.Check(settings);
        // Under mpiexec/srun every rank runs this; the group sets the global batch of the rate rule, and only rank 0 prints.
        ProcessGroup group = ProcessGroup.FromEnvironment(TrainSetup.Device(settings) ?? TorchBackend.DefaultDevice);
        settings = settings with { WorldSize = group.Size };
        if (!group.IsMain) log = TextWriter.Null;
        var (trainData, validationData, layout) = TrainSetup.OpenData(settings);
        int classes = settings.NumClasses ?? trainData.ClassNames.Count;
        if (classes < trainData.ClassNames.Count)
            throw new RecipeUsageException($"train: --num-classes {classes} is fewer than the {trainData.ClassNames.Count} classes of --data '{settings.Data}'.");
        log.WriteLine($"data: {settings.Data} ({layout}): {trainData.ClassNames.Count} classes, {trainData.Count} training"
                      + (validationData is null ? " images, no validation" : $" and {validationData.Count} validation images"));
        var options = TrainSetup.TrainerOptions(settings, classes) with { ProcessGroup = group };   // checks the options before the model is built
        using VisionModel model = TrainSetup.CreateModel(settings, classes, log);
        int size = model.Config.ImgSize;
        PretrainedConfig config = model.PretrainedConfig;
        SampleSource train = trainData.With(TrainSetup.TrainEncoder(settings, size, config.Normalization, config.Interpolation));
        SampleSource? validation = validationData?.With(Presets.Eval(new EvalPresetOptions
        {
            Size = size, CropPct = config.CropPct, Interpolation = config.Interpolation, Normalization = config.Normalization,
        }));

        string output = settings.Output;
        string checkpoints = Path.Combine(output, "checkpoints");
        Metric monitor = validation is null ? Metric.TrainLoss : Metric.ValTop1;
        var saver = new ModelFileSaver(model, output, monitor);
        string recovery = Path.Combine(checkpoints, "recovery.safetensors");
        options = options with
        {
            Monitor = monitor,
            RecoveryCheckpoint = recovery,
            Callbacks =
            [
                new ModelCheckpoint(checkpoints, monitor, saveBest: false, saveLast: true),
                saver,
                new CsvLogger(Path.Combine(output, "summary.csv")),
                new TensorBoardLogger(Path.Combine(output, "tensorboard"), everyNSteps: 10),
                new ProgressDisplay(log),
                .. callbacks ?? [],
            ],
        };
        if (group.IsMain) Directory.CreateDirectory(output);
        log.WriteLine($"model: {model.Name} ({size}px, {classes} classes); {options.Optimizer.Kind} lr {options.Optimizer.Lr:G4}, {settings.Sched} schedule, "
                      + $"{settings.Epochs} epoch(s) of batch {settings.BatchSize}{(group.Size > 1 ? $" on each of {group.Size} processes" : "")}{(settings.GradAccumSteps > 1 ? $"×{settings.GradAccumSteps}" : "")}, {options.Precision}; output {output}");
        using var trainer = new Trainer(model, options);
        if (settings.Resume is { } resume)
        {
            if (!File.Exists(resume)) throw new RecipeUsageException($"train: --resume '{resume}' does not exist; give a checkpoint of a run (OUT/checkpoints/last.safetensors or recovery.safetensors).");
            trainer.LoadCheckpoint(resume);
            log.WriteLine($"resumed from {resume}: {trainer.Context.History.Count} epoch(s) done, step {trainer.Context.Step}");
        }
        FitResult fit = trainer.Fit(train, validation, cancellationToken);
        bool cancelled = fit.StopReason.Kind == StopKind.Cancelled;
        if (cancelled) log.WriteLine($"stopped after step {fit.Steps}; recovery checkpoint {recovery} (continue with --resume {recovery})");
        return new GenericTrainingResult(fit, File.Exists(saver.LastPath) ? saver.LastPath : null, File.Exists(saver.BestPath) ? saver.BestPath : null,
            cancelled ? recovery : Path.Combine(checkpoints, "last.safetensors")) { MainProcess = group.IsMain };
    }
}
