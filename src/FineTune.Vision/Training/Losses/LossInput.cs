using static TorchSharp.torch;

namespace FineTune.Vision.Training.Losses;

/// <summary>What a <see cref="LossFunction"/> is given for one training batch. The tensors belong to the trainer's step.</summary>
public sealed class LossInput
{
    /// <summary>Creates the input of one batch.</summary>
    /// <param name="logits">The model's logits [N, C].</param>
    /// <param name="labels">The hard labels [N] (class indices).</param>
    /// <param name="targets">Soft targets [N, C] from a batch transform (Mixup/CutMix), or null.</param>
    /// <param name="images">The batch the model saw (after the batch transform), for losses that run another model on it.</param>
    /// <param name="distillationLogits">A distilled DeiT's distillation-head logits [N, C] (then <paramref name="logits"/> are its class head's), or null.</param>
    public LossInput(Tensor logits, Tensor labels, Tensor? targets = null, Tensor? images = null, Tensor? distillationLogits = null)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(labels);
        (Logits, Labels, Targets, Images, DistillationLogits) = (logits, labels, targets, images, distillationLogits);
    }

    /// <summary>The model's logits [N, C], in the training precision.</summary>
    public Tensor Logits { get; }

    /// <summary>The hard labels [N] (class indices), also when <see cref="Targets"/> are given (before mixing).</summary>
    public Tensor Labels { get; }

    /// <summary>Soft targets [N, C] from <see cref="TrainerOptions.Mixing"/>, or null when the batch has only hard labels.</summary>
    public Tensor? Targets { get; }

    /// <summary>The input images as the model saw them (after <see cref="TrainerOptions.Mixing"/>), or null.</summary>
    public Tensor? Images { get; }

    /// <summary>
    /// A distilled DeiT's distillation-head logits [N, C] when the loss <see cref="LossFunction.UsesDistillationHead"/>
    /// (then <see cref="Logits"/> are the class head's); otherwise null.
    /// </summary>
    public Tensor? DistillationLogits { get; }
}
