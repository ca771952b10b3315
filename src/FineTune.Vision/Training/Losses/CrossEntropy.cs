using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Training.Losses;

/// <summary>
/// Cross entropy as PyTorch's <c>nn.CrossEntropyLoss(weight, label_smoothing)</c>: per-class weights and label
/// smoothing, on hard labels or on the soft targets of a batch transform (Mixup/CutMix).
/// </summary>
/// <remarks>
/// Hard labels: <c>Σ_n w[y_n]·ℓ_n / Σ_n w[y_n]</c> (PyTorch's weighted mean), with <c>ℓ_n</c> the smoothed cross entropy.
/// Soft targets: <c>mean_n Σ_c −w_c·t'_{n,c}·log_softmax(x)_{n,c}</c> with <c>t' = (1 − ε)·t + ε/C</c> (PyTorch smooths
/// probability targets too, so Mixup's own smoothing and this one add up).
/// </remarks>
public sealed class CrossEntropy : LossFunction
{
    /// <summary>Creates the loss.</summary>
    /// <param name="classWeights">One weight per class (e.g. inverse class frequencies), or null for none.</param>
    /// <param name="labelSmoothing">Label smoothing ε in [0, 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">ε is outside [0, 1), or a weight is negative or not finite.</exception>
    public CrossEntropy(IReadOnlyList<float>? classWeights = null, double labelSmoothing = 0)
    {
        if (labelSmoothing is < 0 or >= 1 || double.IsNaN(labelSmoothing)) throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "Label smoothing must be in [0, 1).");
        if (classWeights?.Any(w => !(w >= 0) || float.IsInfinity(w)) == true) throw new ArgumentOutOfRangeException(nameof(classWeights), "Class weights must be finite and ≥ 0.");
        (ClassWeights, LabelSmoothing) = (classWeights?.ToArray(), labelSmoothing);
    }

    /// <summary>The per-class weights, or null.</summary>
    public IReadOnlyList<float>? ClassWeights { get; }

    /// <summary>The label smoothing ε.</summary>
    public double LabelSmoothing { get; }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The shapes do not fit, or <see cref="ClassWeights"/> has another class count.</exception>
    public override Tensor Forward(LossInput input)
    {
        CheckLogits(input, nameof(CrossEntropy));
        using var scope = torch.NewDisposeScope();
        Tensor logits = input.Logits.to(ScalarType.Float32);
        Tensor? weight = ClassVector(ClassWeights, logits.shape[1], logits.device, nameof(ClassWeights));
        Tensor target = input.Targets is { } t ? t.to(ScalarType.Float32) : input.Labels.to(ScalarType.Int64);
        return nn.functional.cross_entropy(logits, target, weight, label_smoothing: LabelSmoothing).MoveToOuterDisposeScope();
    }
}
