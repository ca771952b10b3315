using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Training.Losses;

/// <summary>
/// Cross entropy against soft targets (timm <c>SoftTargetCrossEntropy</c>): <c>mean_n Σ_c −target[n,c]·log_softmax(x)[n,c]</c>.
/// The training loss when Mixup/CutMix produce mixed, smoothed targets. As a <see cref="LossFunction"/>, a batch with
/// only hard labels uses their one-hot vectors (plain cross entropy).
/// </summary>
public sealed class SoftTargetCrossEntropy : LossFunction
{
    /// <inheritdoc />
    public override Tensor Forward(LossInput input)
    {
        CheckLogits(input, nameof(SoftTargetCrossEntropy));
        using var scope = torch.NewDisposeScope();
        return Compute(input.Logits, DenseTargets(input)).MoveToOuterDisposeScope();
    }

    /// <summary>The mean loss over the batch; <paramref name="logits"/> [N, C], <paramref name="targets"/> [N, C] probabilities.</summary>
    /// <exception cref="ArgumentException">The shapes differ; the message quotes both.</exception>
    public static Tensor Compute(Tensor logits, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(targets);
        if (logits.dim() != 2 || !logits.shape.SequenceEqual(targets.shape))
            throw new ArgumentException($"Soft-target cross entropy needs logits and targets of the same [N, C] shape; got [{string.Join(", ", logits.shape)}] and [{string.Join(", ", targets.shape)}].");
        using var scope = torch.NewDisposeScope();
        Tensor logProbs = nn.functional.log_softmax(logits.to(ScalarType.Float32), dim: -1);
        return (-(targets.to(ScalarType.Float32) * logProbs)).sum(-1).mean().MoveToOuterDisposeScope();
    }
}
