namespace FineTune.Vision.Optim.Schedules;

/// <summary>
/// A schedule that also cycles momentum (SGD momentum, or Adam's β1), as <see cref="CyclicLR"/> and
/// <see cref="OneCycleLR"/> do: the momentum for each optimizer step.
/// </summary>
public interface IMomentumSchedule
{
    /// <summary>Whether momentum is cycled; when false, <see cref="MomentumAt"/> is not used.</summary>
    bool CyclesMomentum { get; }

    /// <summary>The momentum for optimizer step <paramref name="step"/> (0-based).</summary>
    double MomentumAt(long step);
}
