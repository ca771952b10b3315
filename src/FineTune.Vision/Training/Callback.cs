namespace FineTune.Vision.Training;

/// <summary>
/// A hook into the training loop: override the events of interest (each is a no-op by default). State comes only
/// through the <see cref="TrainingContext"/>; control is by its flags (<see cref="TrainingContext.SkipStep"/>,
/// <see cref="TrainingContext.StopTraining(string)"/>). An exception is rethrown as a <see cref="CallbackException"/>.
/// </summary>
public abstract class Callback
{
    /// <summary>
    /// Whether the callback runs only in the main process (rank 0) of a distributed run: true for those that write
    /// files or print (checkpoints, logs, TensorBoard, plots, progress); false (the default) for those that steer the
    /// run, which every rank must run alike.
    /// </summary>
    public virtual bool MainProcessOnly => false;

    /// <summary>Position among the callbacks (see <see cref="CallbackOrder"/>).</summary>
    public virtual int Order => CallbackOrder.Default;

    /// <summary>Before the first epoch.</summary>
    public virtual void OnFitStart(TrainingContext context) { }

    /// <summary>Before an epoch's training batches.</summary>
    public virtual void OnEpochStart(TrainingContext context) { }

    /// <summary>A training batch is ready on the device, before the forward pass.</summary>
    public virtual void OnBatchStart(TrainingContext context) { }

    /// <summary>The loss is computed (<see cref="TrainingContext.Loss"/>), before backward.</summary>
    public virtual void OnAfterLoss(TrainingContext context) { }

    /// <summary>Gradients are ready, before the optimizer step; may set <see cref="TrainingContext.SkipStep"/>.</summary>
    public virtual void OnBeforeStep(TrainingContext context) { }

    /// <summary>After the optimizer step (or its skip).</summary>
    public virtual void OnAfterStep(TrainingContext context) { }

    /// <summary>After a training batch.</summary>
    public virtual void OnBatchEnd(TrainingContext context) { }

    /// <summary>Before validation.</summary>
    public virtual void OnValidationStart(TrainingContext context) { }

    /// <summary>After a validation batch.</summary>
    public virtual void OnValidationBatchEnd(TrainingContext context) { }

    /// <summary>After validation.</summary>
    public virtual void OnValidationEnd(TrainingContext context) { }

    /// <summary>See <see cref="TrainingEvent.StepValidationEnd"/>.</summary>
    public virtual void OnStepValidationEnd(TrainingContext context) { }

    /// <summary>After an epoch, with its metrics in <see cref="TrainingContext.EpochMetrics"/>.</summary>
    public virtual void OnEpochEnd(TrainingContext context) { }

    /// <summary>After the last epoch or a stop.</summary>
    public virtual void OnFitEnd(TrainingContext context) { }

    /// <summary>
    /// Writes the callback's resumable state (best values, counters, lists) into <paramref name="state"/> as
    /// invariant-culture strings; it is saved in the checkpoint's training-state file. Default: nothing.
    /// </summary>
    public virtual void SaveState(IDictionary<string, string> state) { }

    /// <summary>
    /// Restores what <see cref="SaveState"/> wrote. The trainer calls it after <see cref="OnFitStart"/> of the first
    /// fit that follows <see cref="Trainer.LoadCheckpoint"/>, so a reset in <see cref="OnFitStart"/> does not undo it.
    /// States are matched by callback type and position among the callbacks of that type. Default: nothing.
    /// </summary>
    public virtual void LoadState(IReadOnlyDictionary<string, string> state) { }

    internal void Invoke(TrainingEvent e, TrainingContext c)
    {
        switch (e)
        {
            case TrainingEvent.FitStart: OnFitStart(c); break;
            case TrainingEvent.EpochStart: OnEpochStart(c); break;
            case TrainingEvent.BatchStart: OnBatchStart(c); break;
            case TrainingEvent.AfterLoss: OnAfterLoss(c); break;
            case TrainingEvent.BeforeStep: OnBeforeStep(c); break;
            case TrainingEvent.AfterStep: OnAfterStep(c); break;
            case TrainingEvent.BatchEnd: OnBatchEnd(c); break;
            case TrainingEvent.ValidationStart: OnValidationStart(c); break;
            case TrainingEvent.ValidationBatchEnd: OnValidationBatchEnd(c); break;
            case TrainingEvent.ValidationEnd: OnValidationEnd(c); break;
            case TrainingEvent.EpochEnd: OnEpochEnd(c); break;
            case TrainingEvent.FitEnd: OnFitEnd(c); break;
            case TrainingEvent.StepValidationEnd: OnStepValidationEnd(c); break;
        }
    }
}
