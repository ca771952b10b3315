namespace FineTune.Vision.Transforms;

/// <summary>What an <see cref="AugmentOpSpec"/>'s magnitude range is measured in.</summary>
public enum MagnitudeScale
{
    /// <summary>The range is the argument itself.</summary>
    Absolute,

    /// <summary>The range is a fraction of the image width (relative horizontal translations).</summary>
    ImageWidth,

    /// <summary>The range is a fraction of the image height (relative vertical translations).</summary>
    ImageHeight,
}
