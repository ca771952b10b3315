namespace FineTune.Vision.Training;

/// <summary>Why training stopped: the kind (to branch on) and a sentence (to print).</summary>
/// <param name="Kind">The kind of stop.</param>
/// <param name="Message">What happened, e.g. "val_top1 has not improved for 3 epochs (best 0.8125)".</param>
public sealed record StopReason(StopKind Kind, string Message)
{
    /// <inheritdoc />
    public override string ToString() => Message;
}
