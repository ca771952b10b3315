namespace FineTune.Vision.Distributed;

/// <summary>How <see cref="ProcessGroup.AllReduce"/> combines the ranks' values element by element.</summary>
public enum ReduceOperation
{
    /// <summary>The sum over the ranks.</summary>
    Sum,

    /// <summary>The sum divided by <see cref="ProcessGroup.Size"/> (floating-point tensors only).</summary>
    Average,

    /// <summary>The largest value.</summary>
    Max,

    /// <summary>The smallest value.</summary>
    Min,
}
