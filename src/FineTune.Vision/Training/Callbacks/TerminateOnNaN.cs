namespace FineTune.Vision.Training.Callbacks;

/// <summary>Stops training at the first non-finite training loss, skipping that batch's backward and step.</summary>
public sealed class TerminateOnNaN : Callback
{
    /// <inheritdoc />
    public override int Order => CallbackOrder.Guard;

    /// <inheritdoc />
    public override void OnAfterLoss(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (double.IsFinite(context.LossValue)) return;
        context.SkipStep = true;
        context.StopTraining(StopKind.NonFinite, $"the training loss is {context.LossValue} at step {context.Step} (epoch {context.Epoch}, batch {context.BatchIndex})");
    }
}
