namespace FineTune.Vision.Transforms;

/// <summary>How an <see cref="AugmentOpSpec"/> turns its magnitude into an integer argument, if at all.</summary>
public enum MagnitudeRounding
{
    /// <summary>The argument stays fractional.</summary>
    None,

    /// <summary>Truncated towards zero, as Python's <c>int()</c> (timm's posterize and solarize levels, torchvision's translations).</summary>
    Truncate,

    /// <summary>Rounded half to even, as <c>torch.round</c> (torchvision's posterize bits).</summary>
    RoundHalfEven,
}
