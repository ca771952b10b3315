namespace FineTune.Vision.Transforms;

/// <summary>The AutoAugment policies of timm (<c>timm.data.auto_augment.auto_augment_policy</c>), by their config names.</summary>
public enum TimmAutoAugmentPolicy
{
    /// <summary><c>original</c>: the ImageNet policy of the AutoAugment paper, posterize keeping 4 + ⌊4·level⌋ bits.</summary>
    Original,

    /// <summary><c>originalr</c>: <see cref="Original"/> with the research posterize (4 − ⌊4·level⌋ bits: stronger with magnitude).</summary>
    OriginalR,

    /// <summary><c>v0</c>: the ImageNet policy of the TPU EfficientNet implementation (posterize keeping ⌊4·level⌋ bits).</summary>
    V0,

    /// <summary><c>v0r</c>: <see cref="V0"/> with the research posterize (4 − ⌊4·level⌋ bits).</summary>
    V0R,
}
