using TorchSharp;

namespace FineTune.Vision.Optim.Schedules;

/// <summary>
/// timm's learning-rate noise (<c>Scheduler._add_noise</c>) over any schedule: for <c>t</c> in the noise range the
/// rate is <c>lr · (1 + n)</c>, where <c>n</c> is the first standard-normal draw with <c>|n| &lt; Pct</c> from a torch
/// CPU generator seeded with <c>Seed + t</c>, so the values equal timm's for the same seed (both are libtorch's
/// Mersenne Twister). Put it outside the warm-up, as timm applies it to whatever <c>_get_lr(t)</c> returns.
/// </summary>
public sealed class ScheduleNoise : ILrSchedule
{
    /// <summary>Creates the noisy schedule.</summary>
    public ScheduleNoise(ILrSchedule inner, ScheduleNoiseOptions options)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        (Inner, Options) = (inner, options);
    }

    /// <summary>The schedule the noise is added to.</summary>
    public ILrSchedule Inner { get; }

    /// <summary>The noise options.</summary>
    public ScheduleNoiseOptions Options { get; }

    /// <inheritdoc />
    public double LrAt(long step)
    {
        double lr = Inner.LrAt(step);
        return AppliesAt(step) ? lr + lr * NoiseAt(step) : lr;
    }

    /// <summary>Whether <paramref name="t"/> is in the noise range (timm <c>_is_apply_noise</c>).</summary>
    public bool AppliesAt(long t) => t >= Options.RangeStart && (Options.RangeEnd is not long end || t < end);

    /// <summary>The relative noise at <paramref name="t"/> (timm <c>_calculate_noise</c>, normal noise).</summary>
    public double NoiseAt(long t)
    {
        using var generator = new torch.Generator(0);
        generator.manual_seed(Options.Seed + t);
        while (true)
        {
            using var draw = torch.randn(1, generator: generator);
            double noise = draw.item<float>();
            if (Math.Abs(noise) < Options.Pct) return noise;
        }
    }
}
