namespace FineTune.Vision.Weights;

/// <summary>How to pick the state dict out of a nested PyTorch checkpoint.</summary>
public sealed class CheckpointReadOptions
{
    /// <summary>
    /// The container key to read (e.g. <c>model</c>, <c>state_dict</c>, <c>model_ema</c>); nested containers are
    /// followed with dots (<c>checkpoint.model</c>). <see langword="null"/> chooses automatically.
    /// </summary>
    /// <value>Default: <see langword="null"/> (automatic: <c>state_dict</c>, <c>model</c>, <c>module</c>, ... before EMA copies).</value>
    public string? ContainerKey { get; init; }

    /// <summary>When choosing automatically, prefer the EMA weights (<c>model_ema</c>, <c>state_dict_ema</c>) if present.</summary>
    /// <value>Default: <see langword="false"/>.</value>
    public bool PreferEma { get; init; }
}
