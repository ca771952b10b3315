using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Training.Losses;

/// <summary>
/// AugMix's Jensen–Shannon consistency loss with cross entropy (timm <c>JsdCrossEntropy(num_splits, alpha, smoothing)</c>):
/// the batch holds <see cref="NumSplits"/> versions of the same images, split-wise ([clean; augmented 1; augmented 2]);
/// the loss is the (label-smoothed) cross entropy of the clean split plus <see cref="Alpha"/> times the mean over splits
/// of <c>KL(p_split ‖ M)</c> (batch mean), M the splits' mean softmax clamped to [1e-7, 1].
/// </summary>
/// <remarks>
/// Feed it split-wise batches from a <see cref="Transforms.SplitSampleEncoder"/> (labels repeated per split), as timm's
/// <c>AugMixDataset</c> and loader do. It needs hard labels: Mixup/CutMix soft targets are refused.
/// </remarks>
public sealed class JsdCrossEntropy : LossFunction
{
    /// <summary>Creates the loss with timm's defaults.</summary>
    /// <param name="numSplits">Versions of each image in the batch (timm <c>num_splits</c>; train.py passes its <c>--aug-splits</c>).</param>
    /// <param name="alpha">Weight of the consistency term (timm <c>alpha</c>).</param>
    /// <param name="smoothing">Label smoothing of the clean split's cross entropy (timm <c>smoothing</c>; 0: plain cross entropy).</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public JsdCrossEntropy(int numSplits = 3, double alpha = 12, double smoothing = 0.1)
    {
        if (numSplits < 2) throw new ArgumentOutOfRangeException(nameof(numSplits), numSplits, "The JSD loss needs at least 2 splits (a clean one and an augmented one).");
        if (!(alpha >= 0) || double.IsInfinity(alpha)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "Alpha must be finite and ≥ 0.");
        if (smoothing is < 0 or >= 1 || double.IsNaN(smoothing)) throw new ArgumentOutOfRangeException(nameof(smoothing), smoothing, "Label smoothing must be in [0, 1).");
        (NumSplits, Alpha, Smoothing) = (numSplits, alpha, smoothing);
    }

    /// <summary>Versions of each image in the batch.</summary>
    public int NumSplits { get; }

    /// <summary>Weight of the consistency term.</summary>
    public double Alpha { get; }

    /// <summary>Label smoothing of the clean split's cross entropy.</summary>
    public double Smoothing { get; }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The batch is not a whole number of splits, or has soft targets.</exception>
    public override Tensor Forward(LossInput input)
    {
        CheckLogits(input, nameof(JsdCrossEntropy));
        if (input.Targets is not null)
            throw new ArgumentException($"{nameof(JsdCrossEntropy)} needs hard labels, but the batch has soft targets (Mixup/CutMix): leave TrainerOptions.Mixing null with this loss.", nameof(input));
        long rows = input.Logits.shape[0];
        if (rows % NumSplits != 0)
            throw new ArgumentException($"{nameof(JsdCrossEntropy)} with {NumSplits} splits needs a batch of a multiple of {NumSplits} rows; got {rows}. Use a SplitSampleEncoder with {NumSplits} splits.", nameof(input));
        using var scope = torch.NewDisposeScope();
        long n = rows / NumSplits;
        Tensor logits = input.Logits.to(ScalarType.Float32);
        Tensor[] splits = logits.split(n);
        Tensor loss = LabelSmoothingCrossEntropy.Compute(splits[0], input.Labels[..(int)n], Smoothing);
        Tensor[] probs = Array.ConvertAll(splits, s => nn.functional.softmax(s, 1));
        Tensor logMixture = torch.stack(probs).mean([0]).clamp(1e-7, 1).log();
        // F.kl_div(logMixture, p, reduction='batchmean'): Σ p·(log p − log M) / n, with 0·log 0 = 0 (xlogy).
        Tensor kl = probs.Select(p => (p.xlogy(p) - p * logMixture).sum() / n).Aggregate((a, b) => a + b);
        return (loss + Alpha * kl / NumSplits).MoveToOuterDisposeScope();
    }
}
