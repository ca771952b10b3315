namespace FineTune.Vision.Optim.Schedules;

/// <summary>The amplitude policies of <see cref="CyclicLR"/> (Smith 2017), as PyTorch names them.</summary>
public enum CyclicMode
{
    /// <summary>Constant amplitude.</summary>
    Triangular,
    /// <summary>Amplitude halved every cycle.</summary>
    Triangular2,
    /// <summary>Amplitude scaled by <c>gamma^step</c>.</summary>
    ExpRange,
}
