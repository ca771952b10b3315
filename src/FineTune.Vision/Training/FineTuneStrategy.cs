namespace FineTune.Vision.Training;

/// <summary>What <see cref="FineTuner"/> trains.</summary>
public enum FineTuneStrategy
{
    /// <summary>
    /// fastai's <c>fine_tune</c>: <see cref="FineTuneOptions.FreezeEpochs"/> head-only epochs (one-cycle at the base rate),
    /// then every group unfrozen for <see cref="FineTuneOptions.Epochs"/> epochs at half the base rate, spread
    /// discriminatively down to <c>1/LrMult</c> of it at the stem (one-cycle).
    /// </summary>
    Full,

    /// <summary>As <see cref="Full"/>, but only the last <see cref="FineTuneOptions.LastBlocks"/> blocks (and the final norm and head) are unfrozen.</summary>
    LastBlocks,

    /// <summary>
    /// As <see cref="Full"/>, but the groups are unfrozen one epoch at a time from the head down
    /// (<see cref="FineTuneOptions.GroupsPerEpoch"/> more each epoch after the warm-up; ULMFiT).
    /// </summary>
    GradualUnfreezing,

    /// <summary>Linear probe: only the head trains, for <see cref="FineTuneOptions.Epochs"/> epochs (one-cycle at the base rate).</summary>
    HeadOnly,

    /// <summary>LoRA adapters (<see cref="FineTuneOptions.Lora"/>) and the head train, the backbone stays frozen, for <see cref="FineTuneOptions.Epochs"/> epochs (one-cycle at the base rate).</summary>
    Lora,
}
