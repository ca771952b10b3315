namespace FineTune.Vision.Training.Losses;

/// <summary>What <see cref="DistillationLoss"/> adds to the base loss (DeiT's <c>--distillation-type</c>).</summary>
public enum DistillationType
{
    /// <summary>Only the base loss (DeiT's <c>none</c>).</summary>
    None,
    /// <summary>KL divergence to the teacher's distribution at temperature τ (DeiT's <c>soft</c>).</summary>
    Soft,
    /// <summary>Cross entropy on the teacher's top class (DeiT's <c>hard</c>).</summary>
    Hard,
}
