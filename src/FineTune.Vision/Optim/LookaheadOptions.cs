namespace FineTune.Vision.Optim;

/// <summary>
/// timm's <c>Lookahead</c> wrapper (Zhang et al., "Lookahead Optimizer: k steps forward, 1 step back"): every
/// <see cref="K"/> steps of the inner optimizer, slow weights move by <see cref="Alpha"/> toward the fast weights and
/// the fast weights are reset to them. Set <see cref="OptimizerConfig.Lookahead"/> to wrap any optimizer.
/// </summary>
public sealed record LookaheadOptions
{
    /// <summary>Slow-weight step size, in [0, 1]. <value>Default: 0.5 (timm's).</value></summary>
    public double Alpha { get; init; } = 0.5;

    /// <summary>Inner steps between synchronisations, ≥ 1. <value>Default: 6 (timm's).</value></summary>
    public int K { get; init; } = 6;
}
