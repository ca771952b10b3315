using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Training.Losses;

/// <summary>
/// Binary cross entropy over every class (one sigmoid per class), as timm's <c>BinaryCrossEntropy</c>
/// (<c>timm/loss/binary_cross_entropy.py</c>; train.py's <c>--bce-loss</c>, ResNet Strikes Back's recipe).
/// </summary>
/// <remarks>
/// Hard labels become smoothed one-hot targets: <c>off = ε/C</c>, <c>on = 1 − ε + off</c>. Soft targets (Mixup/CutMix)
/// are used as they are (smoothed upstream). With a target threshold every target becomes <c>t &gt; threshold ? 1 : 0</c>.
/// Then <c>binary_cross_entropy_with_logits(x, t, weight, pos_weight)</c>, reduced by <see cref="Reduction"/>, or
/// summed over the classes and averaged over the batch with <see cref="SumClasses"/>.
/// </remarks>
public sealed class BinaryCrossEntropy : LossFunction
{
    /// <summary>Creates the loss (timm's defaults).</summary>
    /// <param name="smoothing">Label smoothing ε of hard labels, in [0, 1).</param>
    /// <param name="targetThreshold">Binarise targets at this value (timm's <c>target_threshold</c>, e.g. 0.2 with Mixup), or null.</param>
    /// <param name="classWeights">timm's <c>weight</c>: one weight per class, or null.</param>
    /// <param name="posWeight">timm's <c>pos_weight</c>: the weight of positive targets, one value for all classes or one per class; or null.</param>
    /// <param name="reduction">Mean or sum over every element.</param>
    /// <param name="sumClasses">timm's <c>sum_classes</c>: sum over the classes, mean over the batch (overrides <paramref name="reduction"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException">ε is outside [0, 1), a weight is negative or not finite, or the reduction is unknown.</exception>
    public BinaryCrossEntropy(double smoothing = 0.1, double? targetThreshold = null, IReadOnlyList<float>? classWeights = null,
        IReadOnlyList<float>? posWeight = null, LossReduction reduction = LossReduction.Mean, bool sumClasses = false)
    {
        if (smoothing is < 0 or >= 1 || double.IsNaN(smoothing)) throw new ArgumentOutOfRangeException(nameof(smoothing), smoothing, "Smoothing must be in [0, 1).");
        if (targetThreshold is { } th && !double.IsFinite(th)) throw new ArgumentOutOfRangeException(nameof(targetThreshold), th, "The target threshold must be finite.");
        if (classWeights?.Any(w => !(w >= 0) || float.IsInfinity(w)) == true) throw new ArgumentOutOfRangeException(nameof(classWeights), "Class weights must be finite and ≥ 0.");
        if (posWeight is { Count: 0 } || posWeight?.Any(w => !(w >= 0) || float.IsInfinity(w)) == true) throw new ArgumentOutOfRangeException(nameof(posWeight), "Positive weights must be finite and ≥ 0 (one value, or one per class).");
        if (!Enum.IsDefined(reduction)) throw new ArgumentOutOfRangeException(nameof(reduction), reduction, "Unknown reduction.");
        (Smoothing, TargetThreshold, ClassWeights, PosWeight, Reduction, SumClasses) = (smoothing, targetThreshold, classWeights?.ToArray(), posWeight?.ToArray(), reduction, sumClasses);
    }

    /// <summary>Label smoothing ε of hard labels.</summary>
    public double Smoothing { get; }

    /// <summary>The threshold that binarises targets, or null.</summary>
    public double? TargetThreshold { get; }

    /// <summary>Per-class weights, or null.</summary>
    public IReadOnlyList<float>? ClassWeights { get; }

    /// <summary>The weight of positive targets (one value, or one per class), or null.</summary>
    public IReadOnlyList<float>? PosWeight { get; }

    /// <summary>The reduction (unused with <see cref="SumClasses"/>).</summary>
    public LossReduction Reduction { get; }

    /// <summary>Whether the loss is summed over the classes and averaged over the batch.</summary>
    public bool SumClasses { get; }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The shapes do not fit, or a weight list has another class count.</exception>
    public override Tensor Forward(LossInput input)
    {
        CheckLogits(input, nameof(BinaryCrossEntropy));
        using var scope = torch.NewDisposeScope();
        Tensor x = input.Logits.to(ScalarType.Float32);
        long n = x.shape[0], c = x.shape[1];
        Tensor target;
        if (input.Targets is { } soft) target = soft.to(ScalarType.Float32);
        else
        {
            double off = Smoothing / c, on = 1 - Smoothing + off;
            target = full(n, c, off, ScalarType.Float32, x.device).scatter_(1, input.Labels.to(ScalarType.Int64).view(-1, 1), full(n, 1, on, ScalarType.Float32, x.device));
        }
        if (TargetThreshold is { } threshold) target = target.gt(threshold).to(target.dtype);
        Tensor? weight = ClassVector(ClassWeights, c, x.device, nameof(ClassWeights));
        Tensor? posWeight = ClassVector(PosWeight, c, x.device, nameof(PosWeight), broadcast: true);
        var reduction = SumClasses ? nn.Reduction.None : Reduction == LossReduction.Sum ? nn.Reduction.Sum : nn.Reduction.Mean;
        Tensor loss = nn.functional.binary_cross_entropy_with_logits(x, target, weight, reduction, posWeight);
        if (SumClasses) loss = loss.sum(-1).mean();
        return loss.MoveToOuterDisposeScope();
    }
}
