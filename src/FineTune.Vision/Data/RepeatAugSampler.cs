using FineTune.Vision.Core;

namespace FineTune.Vision.Data;

/// <summary>
/// Repeated augmentation (Hoffer et al. 2020; Berman et al. 2019), as DeiT's <c>RASampler</c> and timm's
/// <c>RepeatAugSampler</c>: each epoch shuffles the dataset, repeats every index <see cref="Repeats"/> times in a row,
/// pads to a multiple of <see cref="NumReplicas"/>, gives rank r every <see cref="NumReplicas"/>-th index from r (so the
/// copies of one image go to different processes), and keeps the first <c>floor(N / SelectedRound) · SelectedRound /
/// SelectedRatio</c> of them: an epoch sees about N / replicas samples per process, fewer distinct images, each augmented
/// differently. One process (the default) gets the copies in consecutive positions of its batches.
/// </summary>
public sealed record RepeatAugSampler : ISampler
{
    /// <summary>Copies of each image per epoch (timm <c>num_repeats</c>; a fraction resamples as timm does). <value>Default: 3.</value></summary>
    public double Repeats { get; init; } = 3;

    /// <summary>Processes sharing the data (timm <c>num_replicas</c>). <value>Default: 1.</value></summary>
    public int NumReplicas { get; init; } = 1;

    /// <summary>This process's rank, 0 ≤ rank &lt; <see cref="NumReplicas"/>. <value>Default: 0.</value></summary>
    public int Rank { get; init; }

    /// <summary>Whether each epoch starts from a new permutation of (seed, epoch). <value>Default: true.</value></summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>The selected count is rounded down to a multiple of this (timm <c>selected_round</c>; 0: no rounding, ceil instead). <value>Default: 256.</value></summary>
    public int SelectedRound { get; init; } = 256;

    /// <summary>The dataset size is divided by this to get the samples per epoch (timm <c>selected_ratio</c>; 0: <see cref="NumReplicas"/>). <value>Default: 0.</value></summary>
    public double SelectedRatio { get; init; }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">An option is out of range, or the selection comes to no sample (a dataset smaller than <see cref="SelectedRound"/>).</exception>
    public int EpochLength(int datasetCount)
    {
        Validate();
        double ratio = SelectedRatio > 0 ? SelectedRatio : NumReplicas;
        int selected = SelectedRound > 0
            ? (int)Math.Floor(datasetCount / SelectedRound * SelectedRound / ratio)
            : (int)Math.Ceiling(datasetCount / ratio);
        if (selected <= 0)
            throw new ArgumentException($"{nameof(RepeatAugSampler)} selects no sample from {datasetCount} items with {nameof(SelectedRound)} {SelectedRound} " +
                $"(the count is rounded down to a multiple of it); set {nameof(SelectedRound)} = 0 for small datasets.");
        return Math.Min(selected, PerRank(datasetCount));
    }

    /// <inheritdoc />
    public int[] EpochIndices(int datasetCount, int epoch, long seed)
    {
        int length = EpochLength(datasetCount);
        int[] order = Shuffle ? DatasetExtensions.Permutation(datasetCount, SeedMixer.Create(seed, epoch)) : [.. Enumerable.Range(0, datasetCount)];
        int[] repeated;
        if (Repeats == Math.Floor(Repeats))
        {
            int r = (int)Repeats;
            repeated = new int[datasetCount * r];
            for (int i = 0; i < repeated.Length; i++) repeated[i] = order[i / r];
        }
        else
        {
            repeated = new int[(int)Math.Ceiling(Repeats * datasetCount)];
            for (int i = 0; i < repeated.Length; i++) repeated[i] = order[(int)(i / Repeats)];
        }
        int perRank = PerRank(datasetCount), total = perRank * NumReplicas;
        var padded = new int[total];
        for (int i = 0; i < total; i++) padded[i] = repeated[i % repeated.Length];
        var mine = new int[length];
        for (int i = 0; i < length; i++) mine[i] = padded[Rank + i * NumReplicas];
        return mine;
    }

    private int PerRank(int datasetCount) => (int)Math.Ceiling(datasetCount * Repeats / NumReplicas);

    private void Validate()
    {
        if (!(Repeats >= 1)) throw new ArgumentException($"{nameof(RepeatAugSampler)}.{nameof(Repeats)} must be ≥ 1 (was {Repeats}).");
        if (NumReplicas < 1) throw new ArgumentException($"{nameof(RepeatAugSampler)}.{nameof(NumReplicas)} must be ≥ 1 (was {NumReplicas}).");
        if (Rank < 0 || Rank >= NumReplicas) throw new ArgumentException($"{nameof(RepeatAugSampler)}.{nameof(Rank)} must be in [0, {NumReplicas}) (was {Rank}).");
        if (SelectedRound < 0) throw new ArgumentException($"{nameof(RepeatAugSampler)}.{nameof(SelectedRound)} must be ≥ 0 (was {SelectedRound}).");
        if (SelectedRatio < 0) throw new ArgumentException($"{nameof(RepeatAugSampler)}.{nameof(SelectedRatio)} must be ≥ 0 (was {SelectedRatio}).");
    }
}
