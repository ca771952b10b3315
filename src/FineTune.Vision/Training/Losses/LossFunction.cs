using static TorchSharp.torch;

namespace FineTune.Vision.Training.Losses;

/// <summary>
/// A training loss for <see cref="TrainerOptions.Loss"/>: one batch's <see cref="LossInput"/> (logits, hard labels, the
/// soft targets of a batch transform such as Mixup/CutMix, the input images) to a scalar tensor the trainer backpropagates.
/// </summary>
/// <remarks>
/// A custom loss is one small class overriding <see cref="Forward"/>. Compute in float32 (logits come in the training
/// precision) and dispose temporaries (<c>torch.NewDisposeScope()</c>, returning the result with
/// <c>MoveToOuterDisposeScope()</c>). The trainer does not own the loss: dispose losses that hold native resources
/// (<see cref="DistillationLoss"/>'s teacher) yourself.
/// </remarks>
public abstract class LossFunction
{
    /// <summary>The loss of one batch, a scalar tensor with gradients to <see cref="LossInput.Logits"/>.</summary>
    public abstract Tensor Forward(LossInput input);

    /// <summary>
    /// Whether the trainer should pass a distilled DeiT's distillation-head logits in
    /// <see cref="LossInput.DistillationLogits"/> (its class-head logits in <see cref="LossInput.Logits"/>) instead of
    /// the averaged prediction. <value>Default: false.</value>
    /// </summary>
    public virtual bool UsesDistillationHead => false;

    /// <summary>The targets as float32 [N, C] probabilities: <see cref="LossInput.Targets"/>, or the one-hot labels.</summary>
    protected static Tensor DenseTargets(LossInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Targets is { } targets) return targets.to(ScalarType.Float32);
        return nn.functional.one_hot(input.Labels.to(ScalarType.Int64), input.Logits.shape[1]).to(ScalarType.Float32);
    }

    /// <summary>A float32 vector of per-class values on <paramref name="device"/>, or null; checks that it has one value per class.</summary>
    internal static Tensor? ClassVector(IReadOnlyList<float>? values, long classes, Device device, string name, bool broadcast = false)
    {
        if (values is null) return null;
        if (values.Count != classes && !(broadcast && values.Count == 1))
            throw new ArgumentException($"{name} has {values.Count} values but the logits have {classes} classes{(broadcast ? " (give one value, or one per class)" : "")}.", name);
        return tensor(values.ToArray(), device: device);
    }

    internal static void CheckLogits(LossInput input, string loss)
    {
        ArgumentNullException.ThrowIfNull(input);
        Tensor logits = input.Logits, labels = input.Labels;
        if (logits.dim() != 2 || labels.dim() != 1 || labels.shape[0] != logits.shape[0])
            throw new ArgumentException($"{loss} needs logits [N, C] and labels [N]; got [{string.Join(", ", logits.shape)}] and [{string.Join(", ", labels.shape)}].", nameof(input));
        if (input.Targets is { } t && !t.shape.SequenceEqual(logits.shape))
            throw new ArgumentException($"{loss} needs soft targets of the logits' shape [{string.Join(", ", logits.shape)}]; got [{string.Join(", ", t.shape)}].", nameof(input));
    }
}
