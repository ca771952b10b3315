namespace FineTune.Vision.Optim.Schedules;

/// <summary>
/// A learning-rate schedule at optimizer-step granularity: a pure function from the 0-based step index to the rate
/// that step uses. Parameter groups scale it by their own <c>LrScale</c> (discriminative rates, layer decay).
/// </summary>
/// <remarks>
/// Step <c>s</c> is the rate in force for the <c>s</c>-th optimizer step, i.e. PyTorch's <c>optimizer.param_groups[i]["lr"]</c>
/// before the step after <c>s</c> calls of <c>scheduler.step()</c>. There is no hidden state (no <c>last_epoch = -1</c>),
/// so a schedule can be evaluated at any step, plotted, and resumed by step number. The one exception is
/// <see cref="ReduceLROnPlateau"/>, which reacts to metrics by nature.
/// </remarks>
public interface ILrSchedule
{
    /// <summary>The learning rate for optimizer step <paramref name="step"/> (0-based, ≥ 0).</summary>
    double LrAt(long step);
}
