using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Data;

/// <summary>
/// One buffer of the loader's prefetch ring: room for a whole batch of samples in one contiguous array on the pinned
/// object heap (so a tensor can view it without a copy), plus labels, indices and per-row outcomes.
/// </summary>
internal sealed class BatchSlot
{
    private readonly int _sampleLength;

    public BatchSlot(int rows, int sampleLength, bool bytes)
    {
        _sampleLength = sampleLength;
        long length = (long)rows * sampleLength;
        if (length > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(rows), $"A batch of {rows} samples of {sampleLength} elements exceeds {Array.MaxLength} elements; use a smaller BatchSize.");
        if (bytes) Bytes = GC.AllocateUninitializedArray<byte>((int)length, pinned: true);
        else Floats = GC.AllocateUninitializedArray<float>((int)length, pinned: true);
        Labels = new long[rows];
        Indices = new int[rows];
        Errors = new Exception?[rows];
        Skips = new SkippedSample?[rows];
    }

    public float[]? Floats { get; }
    public byte[]? Bytes { get; }
    public long[] Labels { get; }
    public int[] Indices { get; }
    public Exception?[] Errors { get; }
    public SkippedSample?[] Skips { get; }
    public int Rows => Labels.Length;

    /// <summary>The batch this slot is filled for (-1: none).</summary>
    public int Batch { get; private set; } = -1;

    /// <summary>Samples of the batch not yet written (changed under the loader's lock).</summary>
    public int Pending { get; set; }

    /// <summary>Samples in the assigned batch.</summary>
    public int Size { get; private set; }

    public void Assign(int batch, int size)
    {
        Array.Clear(Errors);
        Array.Clear(Skips);
        Batch = batch;
        Size = size;
        Pending = size;
    }

    public Span<float> FloatRow(int row) => Floats.AsSpan(row * _sampleLength, _sampleLength);

    public Span<byte> ByteRow(int row) => Bytes.AsSpan(row * _sampleLength, _sampleLength);

    /// <summary>Moves the rows not skipped to the front, appends the skipped ones to <paramref name="skipped"/>; returns the rows kept.</summary>
    public int Compact(List<SkippedSample> skipped)
    {
        int kept = 0;
        for (int row = 0; row < Size; row++)
        {
            if (Skips[row] is SkippedSample skip)
            {
                skipped.Add(skip);
                continue;
            }
            if (kept != row)
            {
                if (Floats is not null) Array.Copy(Floats, row * _sampleLength, Floats, kept * _sampleLength, _sampleLength);
                if (Bytes is not null) Array.Copy(Bytes, row * _sampleLength, Bytes, kept * _sampleLength, _sampleLength);
                Labels[kept] = Labels[row];
                Indices[kept] = Indices[row];
            }
            kept++;
        }
        return kept;
    }

    /// <summary>Zero-copy tensors over the first <paramref name="count"/> rows: images [count, C, H, W] and labels [count].</summary>
    public (Tensor Images, Tensor Labels) View(int count, (int C, int H, int W) shape)
    {
        Array data = (Array?)Floats ?? Bytes!;
        ScalarType type = Floats is not null ? ScalarType.Float32 : ScalarType.Byte;
        using Tensor flat = torch.frombuffer(data, type, count: (long)count * _sampleLength);
        Tensor images = flat.view(count, shape.C, shape.H, shape.W).DetachFromDisposeScope();
        Tensor labels = torch.frombuffer(Labels, ScalarType.Int64, count: count).DetachFromDisposeScope();
        return (images, labels);
    }
}
