using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Training.Precision;

/// <summary>
/// Dynamic loss scaling as <c>torch.amp.GradScaler</c> does it (TorchSharp has none): the loss is multiplied by
/// <see cref="Scale"/> before backward so small fp16 gradients do not underflow; gradients are divided back before the
/// optimizer step, which is skipped when any is inf/NaN; the scale halves on overflow and doubles after 2000 good steps.
/// </summary>
public sealed class DynamicLossScaler
{
    private readonly LossScalerOptions _options;

    /// <summary>Creates a scaler (defaults: GradScaler's).</summary>
    public DynamicLossScaler(LossScalerOptions? options = null)
    {
        _options = options ?? new LossScalerOptions();
        _options.Validate();
        Scale = _options.InitScale;
    }

    /// <summary>The current scale.</summary>
    public double Scale { get; private set; }

    /// <summary>Consecutive steps without inf/NaN since the last change of scale.</summary>
    public int GrowthTracker { get; private set; }

    /// <summary>Steps skipped because of inf/NaN gradients, in total.</summary>
    public long SkippedSteps { get; private set; }

    /// <summary>The loss multiplied by the scale (a new tensor; call <c>backward()</c> on it).</summary>
    public Tensor ScaleLoss(Tensor loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        return loss * Scale;
    }

    /// <summary>
    /// Divides every gradient by the scale in place and reports whether all of them are finite. Call once per
    /// optimizer step, after backward (and after any gradient accumulation), before clipping.
    /// </summary>
    public bool UnscaleAndCheck(IEnumerable<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        bool finite = true;
        double inverse = 1.0 / Scale;
        foreach (Parameter p in parameters)
        {
            if (p.grad is not { } grad) continue;
            grad.mul_(inverse);
            if (finite && !grad.isfinite().all().item<bool>()) finite = false;
        }
        return finite;
    }

    /// <summary>Updates the scale after a step: back off on inf/NaN (the step must then be skipped), grow after a run of good steps.</summary>
    public void Update(bool gradientsFinite)
    {
        if (!gradientsFinite)
        {
            Scale *= _options.BackoffFactor;
            GrowthTracker = 0;
            SkippedSteps++;
            return;
        }
        if (++GrowthTracker == _options.GrowthInterval)
        {
            Scale *= _options.GrowthFactor;
            GrowthTracker = 0;
        }
    }

    /// <summary>Restores the state saved from <see cref="Scale"/>, <see cref="GrowthTracker"/> and <see cref="SkippedSteps"/> (resume).</summary>
    internal void Restore(double scale, int growthTracker, long skippedSteps)
    {
        if (!(scale > 0) || double.IsInfinity(scale)) throw new ArgumentOutOfRangeException(nameof(scale), scale, "A loss scale must be positive and finite.");
        ArgumentOutOfRangeException.ThrowIfNegative(growthTracker);
        (Scale, GrowthTracker, SkippedSteps) = (scale, growthTracker, skippedSteps);
    }
}
