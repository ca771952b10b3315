namespace FineTune.Vision.Adaptation;

/// <summary>What a <see cref="VisionHead"/> is fed by <see cref="HeadedModel"/>.</summary>
public enum HeadInput
{
    /// <summary>The backbone's pooled features (B, NumFeatures): its own pooling, norm and dropout.</summary>
    Pooled,

    /// <summary>The backbone's raw features: tokens (B, N, C), or for Swin an NHWC map (B, H, W, C).</summary>
    Features,
}
