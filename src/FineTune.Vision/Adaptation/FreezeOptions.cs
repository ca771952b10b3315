namespace FineTune.Vision.Adaptation;

/// <summary>Options of a <see cref="Freezer"/>.</summary>
public sealed class FreezeOptions
{
    /// <summary>
    /// Keep normalisation layers (LayerNorm, BatchNorm, GroupNorm) trainable in frozen groups, as fastai's
    /// <c>train_bn=True</c> does: their few affine parameters adapt the frozen features to the new data.
    /// </summary>
    /// <value>Default: false (frozen groups are frozen entirely, as timm's linear probe).</value>
    public bool TrainNorms { get; init; }

    /// <summary>
    /// The groups that <see cref="Freezer.FreezeTo"/> and <see cref="Freezer.UnfreezeLastBlocks"/> count, lowest first;
    /// the last group should be the head. Null uses the model's <see cref="Models.IVisionModel.LayerGroups"/> (stem, each
    /// block, final norm, head), read afresh on every call. Coarser groups: <see cref="LayerGroupSplit.Chunks"/>.
    /// </summary>
    /// <value>Default: null.</value>
    public IReadOnlyList<Models.LayerGroup>? Groups { get; init; }
}
