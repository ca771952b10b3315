using FineTune.Vision.Core;

namespace FineTune.Vision.Data;

/// <summary>
/// PyTorch's <c>DistributedSampler</c>: each epoch's order (a permutation of (seed, epoch), the dataset order, or an
/// <see cref="Inner"/> sampler's indices) is padded by repeating its start to a multiple of <see cref="NumReplicas"/>,
/// and rank r takes every <see cref="NumReplicas"/>-th index from position r. So <c>W</c> ranks with batch <c>B</c>
/// together see, batch for batch, the samples one process sees with batch <c>W·B</c> when the epoch length is a
/// multiple of <c>W·B</c>. The trainer gives its training loader one when it runs distributed (docs/distributed.md).
/// </summary>
public sealed record DistributedSampler : ISampler
{
    /// <summary>Processes sharing the data. <value>Default: 1.</value></summary>
    public int NumReplicas { get; init; } = 1;

    /// <summary>This process's rank, 0 ≤ rank &lt; <see cref="NumReplicas"/>. <value>Default: 0.</value></summary>
    public int Rank { get; init; }

    /// <summary>Whether each epoch is a new permutation of (seed, epoch), the one a shuffling <see cref="DataLoader"/> draws (ignored with <see cref="Inner"/>). <value>Default: true.</value></summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>A sampler whose epoch indices are split instead (e.g. <see cref="WeightedRandomSampler"/>); null: all items once. <value>Default: null.</value></summary>
    public ISampler? Inner { get; init; }

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><see cref="NumReplicas"/> or <see cref="Rank"/> is out of range.</exception>
    public int EpochLength(int datasetCount)
    {
        Validate();
        int total = Inner?.EpochLength(datasetCount) ?? datasetCount;
        return (total + NumReplicas - 1) / NumReplicas;
    }

    /// <inheritdoc />
    public int[] EpochIndices(int datasetCount, int epoch, long seed)
    {
        int length = EpochLength(datasetCount);
        int[] order = Inner?.EpochIndices(datasetCount, epoch, seed)
            ?? (Shuffle ? DatasetExtensions.Permutation(datasetCount, SeedMixer.Create(seed, epoch)) : [.. Enumerable.Range(0, datasetCount)]);
        var mine = new int[length];
        if (order.Length == 0) return mine;
        for (int i = 0; i < length; i++) mine[i] = order[(Rank + (long)i * NumReplicas) % order.Length];
        return mine;
    }

    private void Validate()
    {
        if (NumReplicas < 1) throw new ArgumentException($"{nameof(DistributedSampler)}.{nameof(NumReplicas)} must be ≥ 1 (was {NumReplicas}).");
        if (Rank < 0 || Rank >= NumReplicas) throw new ArgumentException($"{nameof(DistributedSampler)}.{nameof(Rank)} must be in [0, {NumReplicas}) (was {Rank}).");
    }
}
