namespace FineTune.Vision.Adaptation;

/// <summary>LoRA settings (PEFT's <c>LoraConfig</c> names in .NET style).</summary>
public sealed class LoraOptions
{
    /// <summary>Rank r of the update B·A.</summary>
    /// <value>Default: 8 (PEFT).</value>
    public int Rank { get; init; } = 8;

    /// <summary>lora_alpha: the update is scaled by alpha / r (or alpha / √r with <see cref="UseRsLora"/>).</summary>
    /// <value>Default: 8 (PEFT).</value>
    public double Alpha { get; init; } = 8;

    /// <summary>Dropout on the adapter's input (training only).</summary>
    /// <value>Default: 0.</value>
    public double Dropout { get; init; }

    /// <summary>Rank-stabilised LoRA (Kalajdzievski 2023): scale alpha / √r.</summary>
    /// <value>Default: false.</value>
    public bool UseRsLora { get; init; }

    /// <summary>The Linear modules to adapt; the first matching target wins.</summary>
    /// <value>Default: <see cref="LoraTargets.QueryValue"/>.</value>
    public IReadOnlyList<LoraTarget> Targets { get; init; } = LoraTargets.QueryValue;

    /// <summary>Modules trained in full beside the adapters and saved with them (PEFT's <c>modules_to_save</c>): the new head.</summary>
    /// <value>Default: <c>head</c>, <c>head_dist</c>.</value>
    public IReadOnlyList<NamePattern> ModulesToSave { get; init; } = ["head", "head_dist"];

    /// <summary>
    /// Seed of the adapters' initial A matrices (torch's generator is seeded for <see cref="Lora.Apply"/> and restored
    /// afterwards), so the same model and options give the same adapters in every run; null draws from torch's global
    /// generator (which TorchSharp seeds randomly per process).
    /// </summary>
    /// <value>Default: 0.</value>
    public long? Seed { get; init; } = 0;

    /// <summary>The scale applied to B·A.</summary>
    public double Scaling => UseRsLora ? Alpha / Math.Sqrt(Rank) : Alpha / Rank;

    /// <summary>Throws with every invalid setting.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        List<string> errors = [];
        if (Rank <= 0) errors.Add($"{nameof(Rank)} must be > 0 (was {Rank}).");
        if (!(Alpha > 0)) errors.Add($"{nameof(Alpha)} must be > 0 (was {Alpha}).");
        if (!(Dropout >= 0 && Dropout < 1)) errors.Add($"{nameof(Dropout)} must be in [0, 1) (was {Dropout}).");
        if (Targets is null || Targets.Count == 0) errors.Add($"{nameof(Targets)} must name at least one module pattern (e.g. LoraTargets.QueryValue).");
        if (ModulesToSave is null) errors.Add($"{nameof(ModulesToSave)} must not be null (use an empty list).");
        if (errors.Count > 0) throw new ArgumentException($"Invalid {nameof(LoraOptions)}:\n  " + string.Join("\n  ", errors));
    }
}
