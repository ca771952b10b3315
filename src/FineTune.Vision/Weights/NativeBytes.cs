using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Weights;

/// <summary>
/// Moves raw bytes between tensors' native memory and files without staging whole tensors in managed memory:
/// a contiguous CPU tensor is visited as spans over its own storage, at most 1 GiB at a time.
/// </summary>
internal static class NativeBytes
{
    private const long ChunkBytes = 1L << 30;

    [ThreadStatic]
    private static long t_allocated;

    /// <summary>Bytes of tensor memory the readers have allocated on this thread (diagnostics: the fuzz tests bound it).</summary>
    internal static long AllocatedOnThread => t_allocated;

    /// <summary>A callback given a span over native tensor memory and the span's byte offset within the tensor.</summary>
    public delegate void SpanAction(Span<byte> span, long byteOffset);

    /// <summary>Visits the bytes of a contiguous CPU tensor in order.</summary>
    public static void Visit(Tensor tensor, SpanAction action)
    {
        if (!tensor.is_contiguous() || tensor.device_type != DeviceType.CPU)
        {
            throw new ArgumentException("NativeBytes needs a contiguous CPU tensor.", nameof(tensor));
        }
        long numel = tensor.numel();
        if (numel == 0)
        {
            return;
        }
        long elementSize = tensor.element_size();
        long total = numel * elementSize;
        if (total <= ChunkBytes)
        {
            action(tensor.bytes, 0);
            return;
        }
        long perChunk = ChunkBytes / elementSize;
        using var flat = tensor.view(-1);
        for (long start = 0; start < numel; start += perChunk)
        {
            long count = Math.Min(perChunk, numel - start);
            using var part = flat.narrow(0, start, count);
            action(part.bytes, start * elementSize);
        }
    }

    /// <summary>Creates an uninitialised CPU tensor, detached from any dispose scope.</summary>
    public static Tensor Empty(long[] shape, ScalarType dtype)
    {
        var tensor = torch.empty(shape, dtype: dtype, device: torch.CPU).DetachFromDisposeScope();
        t_allocated += tensor.numel() * tensor.element_size();
        return tensor;
    }

    /// <summary>A contiguous copy of a view, detached from any dispose scope (counted like <see cref="Empty"/>).</summary>
    public static Tensor Clone(Tensor view)
    {
        t_allocated += view.numel() * view.element_size();
        return view.clone().DetachFromDisposeScope();
    }
}
