using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Data;

/// <summary>
/// One batch from a <see cref="DataLoader"/>. The loader owns its tensors: they are valid until the next
/// <c>MoveNext</c> of the epoch's enumeration (or its disposal), after which they are disposed and their memory is
/// reused. To keep data longer, copy it (<c>Images.clone()</c>, or <c>Images.to(device)</c> onto another device).
/// </summary>
public sealed class Batch
{
    private readonly int[] _indices;

    internal Batch(Tensor images, Tensor labels, int[] indices, int epoch, int index)
    {
        Images = images;
        Labels = labels;
        _indices = indices;
        Epoch = epoch;
        Index = index;
    }

    /// <summary>The samples, [Count, C, H, W], contiguous: float32 (encoded) or uint8 (raw pixels, from a <see cref="DatasetExtensions.WithUInt8"/> source).</summary>
    public Tensor Images { get; }

    /// <summary>The labels, [Count], int64.</summary>
    public Tensor Labels { get; }

    /// <summary>
    /// Number of rows: the samples (the batch size, or fewer for a last or shrunk batch), times the splits of a
    /// <see cref="SampleSource.Splits"/> source, whose batches hold each sample once per split, split-wise.
    /// </summary>
    public int Count => _indices.Length;

    /// <summary>The dataset index of each row, in batch order (repeated per split for a split source).</summary>
    public IReadOnlyList<int> SampleIndices => _indices;

    /// <summary>The epoch this batch belongs to.</summary>
    public int Epoch { get; }

    /// <summary>The batch's position in its epoch, from 0.</summary>
    public int Index { get; }

    internal void Release()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
