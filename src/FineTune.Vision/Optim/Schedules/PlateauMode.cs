namespace FineTune.Vision.Optim.Schedules;

/// <summary>Whether a monitored metric improves by going down (loss) or up (accuracy).</summary>
public enum PlateauMode
{
    /// <summary>Lower is better.</summary>
    Min,
    /// <summary>Higher is better.</summary>
    Max,
}
