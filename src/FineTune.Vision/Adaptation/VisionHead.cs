using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Adaptation;

/// <summary>
/// A classification head for <see cref="HeadedModel"/>: a module from the backbone's pooled features or raw features
/// (<see cref="Input"/>) to logits. Derive from it for custom heads.
/// </summary>
public abstract class VisionHead : nn.Module<Tensor, Tensor>
{
    /// <summary>Initialises the base.</summary>
    protected VisionHead(string name) : base(name)
    {
    }

    /// <summary>What the head is fed.</summary>
    public abstract HeadInput Input { get; }

    /// <summary>Number of outputs.</summary>
    public abstract int NumClasses { get; }

    /// <summary>The final Linear (its initial weights are scaled by <see cref="HeadOptions.InitScale"/>).</summary>
    public abstract Linear Classifier { get; }

    /// <summary>Multiplies the classifier's weight and bias by <paramref name="scale"/> (timm's <c>head_init_scale</c>).</summary>
    protected void ScaleClassifier(double scale)
    {
        using var _ = no_grad();
        Classifier.weight!.mul_(scale);
        Classifier.bias?.mul_(scale);
    }
}
