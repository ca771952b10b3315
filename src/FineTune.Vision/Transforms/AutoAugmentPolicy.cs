namespace FineTune.Vision.Transforms;

/// <summary>The learned AutoAugment policies torchvision ships (<c>AutoAugmentPolicy</c>).</summary>
public enum AutoAugmentPolicy
{
    /// <summary>The ImageNet policy of the AutoAugment paper.</summary>
    ImageNet,

    /// <summary>The CIFAR-10 policy.</summary>
    Cifar10,

    /// <summary>The SVHN policy.</summary>
    Svhn,
}
