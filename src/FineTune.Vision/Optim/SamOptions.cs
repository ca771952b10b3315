namespace FineTune.Vision.Optim;

/// <summary>
/// Sharpness-aware minimization (Foret et al. 2021) around the trainer's optimizer: each step computes the gradient,
/// moves the weights uphill by <see cref="Rho"/> along it (<c>e_w = ρ·g/‖g‖</c>, over all parameters together),
/// computes the gradient again there, puts the weights back and lets the optimizer step with that second gradient. Two
/// forward and backward passes per step. <see cref="Adaptive"/> is ASAM (Kwon et al. 2021): the perturbation scaled by
/// |w| (<c>e_w = ρ·w²·g/‖|w|·g‖</c>). As the PyTorch reference implementation (github.com/davda54/sam).
/// </summary>
public sealed record SamOptions
{
    /// <summary>The neighbourhood size ρ. <value>Default: 0.05 (the paper's; ASAM uses larger, e.g. 0.5 to 2).</value></summary>
    public double Rho { get; init; } = 0.05;

    /// <summary>Whether the perturbation is scale-invariant (ASAM). <value>Default: false.</value></summary>
    public bool Adaptive { get; init; }

    /// <summary>The problems with these options, for the trainer's validation.</summary>
    internal IEnumerable<string> Errors()
    {
        if (!(Rho > 0) || double.IsInfinity(Rho)) yield return $"{nameof(SamOptions)}.{nameof(Rho)} must be positive and finite (was {Rho}).";
    }
}
