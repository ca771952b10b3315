namespace FineTune.Vision.Adaptation;

/// <summary>Options of <see cref="Heads.Create"/>.</summary>
public sealed class HeadOptions
{
    /// <summary>The head.</summary>
    /// <value>Default: <see cref="HeadKind.Linear"/>.</value>
    public HeadKind Kind { get; init; } = HeadKind.Linear;

    /// <summary>Hidden width of the MLP and concat-pool heads (fastai's <c>lin_ftrs=[512]</c>).</summary>
    /// <value>Default: 512.</value>
    public int HiddenFeatures { get; init; } = 512;

    /// <summary>
    /// Dropout: before the Linear head's classifier, after the MLP's activation, and for the concat-pool head fastai's
    /// <c>ps</c> (ps/2 before the hidden Linear, ps before the classifier). Null: 0.5 for concat-pool, 0 otherwise.
    /// </summary>
    /// <value>Default: null.</value>
    public double? Dropout { get; init; }

    /// <summary>Multiplier on the classifier's initial weight and bias (timm's <c>head_init_scale</c>).</summary>
    /// <value>Default: 1.</value>
    public double InitScale { get; init; } = 1.0;

    /// <summary>The dropout in effect for <see cref="Kind"/>.</summary>
    public double EffectiveDropout => Dropout ?? (Kind == HeadKind.ConcatPool ? 0.5 : 0.0);

    /// <summary>Throws with every invalid setting.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        List<string> errors = [];
        if (HiddenFeatures <= 0) errors.Add($"{nameof(HiddenFeatures)} must be > 0 (was {HiddenFeatures}).");
        if (!(EffectiveDropout >= 0 && EffectiveDropout < 1)) errors.Add($"{nameof(Dropout)} must be in [0, 1) (was {Dropout}).");
        if (!(InitScale > 0)) errors.Add($"{nameof(InitScale)} must be > 0 (was {InitScale}).");
        if (errors.Count > 0) throw new ArgumentException($"Invalid {nameof(HeadOptions)}:\n  " + string.Join("\n  ", errors));
    }
}
