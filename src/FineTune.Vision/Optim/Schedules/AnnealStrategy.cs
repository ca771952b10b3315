namespace FineTune.Vision.Optim.Schedules;

/// <summary>How <see cref="OneCycleLR"/> moves between its phase end points.</summary>
public enum AnnealStrategy
{
    /// <summary>Half-cosine interpolation (PyTorch's default).</summary>
    Cos,
    /// <summary>Linear interpolation.</summary>
    Linear,
}
