namespace FineTune.Vision.Transforms;

/// <summary>How <see cref="MixupCutMix"/> shares its random draws across a batch (timm's <c>mode</c>).</summary>
public enum MixMode
{
    /// <summary>timm <c>'batch'</c>: one draw (mix or not, mixup or cutmix, λ, box) for the whole batch.</summary>
    Batch,

    /// <summary>timm <c>'pair'</c>: one draw per pair (i, B−1−i); both members mix with each other.</summary>
    Pair,

    /// <summary>timm <c>'elem'</c>: one draw per element i, mixed with element B−1−i.</summary>
    Elem,
}
