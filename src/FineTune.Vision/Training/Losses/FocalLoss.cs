using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Training.Losses;

/// <summary>
/// Focal loss (Lin et al., "Focal Loss for Dense Object Detection", ICCV 2017, eq. 5: <c>FL(p_t) = −α_t·(1 − p_t)^γ·log p_t</c>)
/// over a softmax: with hard labels <c>mean_n −α[y_n]·(1 − p_{n,y_n})^γ·log p_{n,y_n}</c>, and with soft targets
/// (Mixup/CutMix) <c>mean_n Σ_c −α_c·t_{n,c}·(1 − p_{n,c})^γ·log p_{n,c}</c>. γ = 0 without α is cross entropy.
/// </summary>
/// <remarks>
/// The paper's α balances the two classes of a sigmoid; over a softmax it is one weight per class (null: 1 for all).
/// The mean is over the batch (not weighted by α, unlike <see cref="CrossEntropy"/>'s class weights).
/// </remarks>
public sealed class FocalLoss : LossFunction
{
    /// <summary>Creates the loss.</summary>
    /// <param name="gamma">The focusing parameter γ ≥ 0 (the paper's best: 2).</param>
    /// <param name="alpha">One weight α per class, or null.</param>
    /// <exception cref="ArgumentOutOfRangeException">γ is negative or not finite, or a weight is negative or not finite.</exception>
    public FocalLoss(double gamma = 2.0, IReadOnlyList<float>? alpha = null)
    {
        if (!(gamma >= 0) || double.IsInfinity(gamma)) throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "γ must be finite and ≥ 0.");
        if (alpha?.Any(w => !(w >= 0) || float.IsInfinity(w)) == true) throw new ArgumentOutOfRangeException(nameof(alpha), "α must be finite and ≥ 0.");
        (Gamma, Alpha) = (gamma, alpha?.ToArray());
    }

    /// <summary>The focusing parameter γ.</summary>
    public double Gamma { get; }

    /// <summary>The per-class weights α, or null.</summary>
    public IReadOnlyList<float>? Alpha { get; }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The shapes do not fit, or <see cref="Alpha"/> has another class count.</exception>
    public override Tensor Forward(LossInput input)
    {
        CheckLogits(input, nameof(FocalLoss));
        using var scope = torch.NewDisposeScope();
        Tensor logProbs = nn.functional.log_softmax(input.Logits.to(ScalarType.Float32), -1);
        Tensor terms = -DenseTargets(input) * (1 - logProbs.exp()).pow(Gamma) * logProbs;
        if (ClassVector(Alpha, logProbs.shape[1], logProbs.device, nameof(Alpha)) is { } alpha) terms = terms * alpha;
        return terms.sum(-1).mean().MoveToOuterDisposeScope();
    }
}
