namespace FineTune.Vision.Training;

/// <summary>
/// Model exponential moving average, timm's <c>ModelEmaV3</c>: after each optimizer step the shadow weights move
/// towards the model's by <c>1 − decay</c>. With <see cref="UseWarmup"/> the decay ramps up as
/// <c>1 − (1 + step/γ)^−power</c>, clamped to [<see cref="MinDecay"/>, <see cref="Decay"/>].
/// </summary>
public sealed record EmaOptions
{
    /// <summary>The decay (the weight kept from the shadow at each update). <value>Default: 0.9998.</value></summary>
    public double Decay { get; init; } = 0.9998;

    /// <summary>Lower clamp of the warmed-up decay. <value>Default: 0.</value></summary>
    public double MinDecay { get; init; }

    /// <summary>Optimizer steps before the EMA starts following (it copies the model until then). <value>Default: 0.</value></summary>
    public long UpdateAfterStep { get; init; }

    /// <summary>Whether the decay ramps up with the step (timm <c>use_warmup</c>). <value>Default: false.</value></summary>
    public bool UseWarmup { get; init; }

    /// <summary>Warm-up γ (timm <c>warmup_gamma</c>). <value>Default: 1.</value></summary>
    public double WarmupGamma { get; init; } = 1.0;

    /// <summary>Warm-up power (timm <c>warmup_power</c>). <value>Default: 2/3.</value></summary>
    public double WarmupPower { get; init; } = 2.0 / 3.0;

    /// <summary>Whether validation also runs with the EMA weights (metrics prefixed <c>ema_</c>). <value>Default: true.</value></summary>
    public bool Evaluate { get; init; } = true;

    /// <summary>The decay used for the update after optimizer step <paramref name="step"/> (1-based, as timm's <c>num_updates</c>).</summary>
    public double DecayAt(long step)
    {
        long t = Math.Max(0, step - UpdateAfterStep - 1);
        if (t <= 0) return 0.0;
        if (!UseWarmup) return Decay;
        double warm = 1.0 - Math.Pow(1.0 + t / WarmupGamma, -WarmupPower);
        return Math.Clamp(warm, MinDecay, Decay);
    }

    internal IEnumerable<string> Errors()
    {
        if (!(Decay is >= 0 and <= 1)) yield return $"{nameof(EmaOptions)}.{nameof(Decay)} must be in [0, 1] (was {Decay}).";
        if (!(MinDecay >= 0 && MinDecay <= Decay)) yield return $"{nameof(EmaOptions)}.{nameof(MinDecay)} must be in [0, {nameof(Decay)}] (was {MinDecay}).";
        if (UpdateAfterStep < 0) yield return $"{nameof(EmaOptions)}.{nameof(UpdateAfterStep)} must be ≥ 0 (was {UpdateAfterStep}).";
        if (!(WarmupGamma > 0)) yield return $"{nameof(EmaOptions)}.{nameof(WarmupGamma)} must be > 0 (was {WarmupGamma}).";
        if (!(WarmupPower > 0)) yield return $"{nameof(EmaOptions)}.{nameof(WarmupPower)} must be > 0 (was {WarmupPower}).";
    }
}
