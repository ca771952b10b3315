using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FineTune.Vision.Imaging;

/// <summary>
/// The two passes of a separable convolution resize on interleaved RGB bytes, with Pillow's fixed-point
/// arithmetic (8-bit intermediate, round half up, clip to 0..255), so results match Pillow bit for bit.
/// </summary>
internal static class ResamplePasses
{
    private const int Half = 1 << (ResampleCoefficients.PrecisionBits - 1);

    /// <summary>
    /// Horizontal pass: for each of <paramref name="rows"/> rows starting at <paramref name="srcOffset"/> (byte index of
    /// the first pixel used), writes <c>c.Start.Length</c> output pixels to <paramref name="dst"/> (tightly packed).
    /// </summary>
    public static void Horizontal(ReadOnlySpan<byte> src, int srcOffset, int srcStride, int rows,
                                  Span<byte> dst, ResampleCoefficients c)
    {
        int outWidth = c.Start.Length;
        int dstStride = outWidth * 3;
        for (int y = 0; y < rows; y++)
        {
            ReadOnlySpan<byte> row = src.Slice(srcOffset + y * srcStride);
            Span<byte> outRow = dst.Slice(y * dstStride, dstStride);
            if (Vector128.IsHardwareAccelerated) HorizontalRowVector(row, outRow, c);
            else HorizontalRowScalar(row, outRow, c, 0);
        }
    }

    /// <summary>One row, one output pixel at a time, the three channels in one 4-lane integer vector.</summary>
    private static void HorizontalRowVector(ReadOnlySpan<byte> row, Span<byte> outRow, ResampleCoefficients c)
    {
        int outWidth = c.Start.Length, taps = c.Taps;
        ref byte s0 = ref MemoryMarshal.GetReference(row);
        ref byte d0 = ref MemoryMarshal.GetReference(outRow);
        ref int w0 = ref MemoryMarshal.GetArrayDataReference(c.Weights);
        ref int start0 = ref MemoryMarshal.GetArrayDataReference(c.Start);
        ref int count0 = ref MemoryMarshal.GetArrayDataReference(c.Count);
        var half = Vector128.Create(Half);
        var max = Vector128.Create(255);
        // The last output pixel may read its last source pixel's 3 bytes only; leave it to the scalar loop.
        int x = 0;
        for (; x < outWidth; x++)
        {
            int start = Unsafe.Add(ref start0, x), n = Unsafe.Add(ref count0, x);
            if ((start + n) * 3 + 1 > row.Length || x * 3 + 4 > outRow.Length) break;
            ref byte s = ref Unsafe.Add(ref s0, start * 3);
            ref int k = ref Unsafe.Add(ref w0, x * taps);
            Vector128<int> acc = half;
            for (int i = 0; i < n; i++)
            {
                uint rgbx = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref s, 3 * i));
                Vector128<byte> bytes = Vector128.CreateScalarUnsafe(rgbx).AsByte();
                Vector128<int> px = Vector128.WidenLower(Vector128.WidenLower(bytes)).AsInt32();
                acc += px * Vector128.Create(Unsafe.Add(ref k, i));
            }
            Vector128<int> v = Vector128.Min(Vector128.Max(Vector128.ShiftRightArithmetic(acc, ResampleCoefficients.PrecisionBits), Vector128<int>.Zero), max);
            Vector128<short> v16 = Vector128.Narrow(v, v);
            Vector128<byte> packed = Vector128.Narrow(v16, v16).AsByte();
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref d0, x * 3), packed.AsUInt32().ToScalar());
        }
        HorizontalRowScalar(row, outRow, c, x);
    }

    private static void HorizontalRowScalar(ReadOnlySpan<byte> row, Span<byte> outRow, ResampleCoefficients c, int fromX)
    {
        for (int x = fromX; x < c.Start.Length; x++)
        {
            ReadOnlySpan<int> k = c.Weights.AsSpan(x * c.Taps, c.Count[x]);
            ReadOnlySpan<byte> s = row.Slice(c.Start[x] * 3, k.Length * 3);
            int r = Half, g = Half, b = Half;
            for (int i = 0; i < k.Length; i++)
            {
                r += s[3 * i] * k[i];
                g += s[3 * i + 1] * k[i];
                b += s[3 * i + 2] * k[i];
            }
            outRow[3 * x] = Clip(r);
            outRow[3 * x + 1] = Clip(g);
            outRow[3 * x + 2] = Clip(b);
        }
    }

    /// <summary>
    /// Vertical pass: each output row <c>y</c> mixes source rows <c>c.Start[y]..</c> (relative to
    /// <paramref name="srcOffset"/>), <paramref name="rowBytes"/> bytes each, into a tightly packed output row.
    /// </summary>
    public static void Vertical(ReadOnlySpan<byte> src, int srcOffset, int srcStride, int rowBytes,
                                Span<byte> dst, ResampleCoefficients c)
    {
        int outHeight = c.Start.Length;
        for (int y = 0; y < outHeight; y++)
        {
            ReadOnlySpan<int> k = c.Weights.AsSpan(y * c.Taps, c.Count[y]);
            int first = srcOffset + c.Start[y] * srcStride;
            VerticalRow(src.Slice(first), srcStride, rowBytes, k, dst.Slice(y * rowBytes, rowBytes));
        }
    }

    private static void VerticalRow(ReadOnlySpan<byte> src, int stride, int rowBytes, ReadOnlySpan<int> k, Span<byte> dst)
    {
        int x = 0;
        if (Vector.IsHardwareAccelerated && rowBytes >= Vector<byte>.Count)
        {
            var half = new Vector<int>(Half);
            int lastStart = (k.Length - 1) * stride;
            for (; x + Vector<byte>.Count <= rowBytes && lastStart + x + Vector<byte>.Count <= src.Length; x += Vector<byte>.Count)
            {
                Vector<int> a0 = half, a1 = half, a2 = half, a3 = half;
                for (int i = 0; i < k.Length; i++)
                {
                    var w = new Vector<int>(k[i]);
                    var bytes = new Vector<byte>(src.Slice(i * stride + x));
                    Vector.Widen(bytes, out Vector<ushort> lo, out Vector<ushort> hi);
                    Vector.Widen(lo, out Vector<uint> l0, out Vector<uint> l1);
                    Vector.Widen(hi, out Vector<uint> h0, out Vector<uint> h1);
                    a0 += Vector.AsVectorInt32(l0) * w;
                    a1 += Vector.AsVectorInt32(l1) * w;
                    a2 += Vector.AsVectorInt32(h0) * w;
                    a3 += Vector.AsVectorInt32(h1) * w;
                }
                var lo16 = Vector.Narrow(ClipVector(a0), ClipVector(a1));
                var hi16 = Vector.Narrow(ClipVector(a2), ClipVector(a3));
                Vector.Narrow(lo16, hi16).CopyTo(dst.Slice(x));
            }
        }
        for (; x < rowBytes; x++)
        {
            int acc = Half;
            for (int i = 0; i < k.Length; i++) acc += src[i * stride + x] * k[i];
            dst[x] = Clip(acc);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<uint> ClipVector(Vector<int> acc)
    {
        Vector<int> v = Vector.ShiftRightArithmetic(acc, ResampleCoefficients.PrecisionBits);
        return Vector.AsVectorUInt32(Vector.Min(Vector.Max(v, Vector<int>.Zero), new Vector<int>(255)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte Clip(int acc)
    {
        int v = acc >> ResampleCoefficients.PrecisionBits;
        return (byte)(v < 0 ? 0 : v > 255 ? 255 : v);
    }
}
