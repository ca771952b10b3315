namespace FineTune.Vision.Training.Callbacks;

/// <summary>Whether lower or higher values of a monitored metric are better.</summary>
public enum MetricMode
{
    /// <summary>Lower is better (losses).</summary>
    Min,
    /// <summary>Higher is better (accuracies).</summary>
    Max,
}
