namespace FineTune.Vision.Transforms;

/// <summary>What <see cref="RandomErasing"/> writes into an erased box (timm's <c>mode</c>).</summary>
public enum ErasingMode
{
    /// <summary>timm <c>'const'</c>: zeros, i.e. the dataset mean once normalised.</summary>
    Const,

    /// <summary>timm <c>'rand'</c>: one standard-normal value per channel for the whole box.</summary>
    Rand,

    /// <summary>timm <c>'pixel'</c>: an independent standard-normal value per pixel and channel.</summary>
    Pixel,
}
