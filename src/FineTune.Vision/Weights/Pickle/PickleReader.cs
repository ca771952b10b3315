using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace FineTune.Vision.Weights.Pickle;

/// <summary>A bounds-checked cursor over a pickle's bytes: no length read from the data is trusted.</summary>
internal sealed class PickleReader(string path, byte[] data, int start = 0)
{
    private int _pos = start;

    public int Position => _pos;

    public byte ReadByte()
    {
        Need(1);
        return data[_pos++];
    }

    public ReadOnlySpan<byte> ReadSpan(long count)
    {
        Need(count);
        var span = data.AsSpan(_pos, (int)count);
        _pos += (int)count;
        return span;
    }

    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16LittleEndian(ReadSpan(2));

    public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(ReadSpan(4));

    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(ReadSpan(4));

    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(ReadSpan(8));

    public double ReadFloat64BigEndian() => BinaryPrimitives.ReadDoubleBigEndian(ReadSpan(8));

    public string ReadUtf8(long count) => Encoding.UTF8.GetString(ReadSpan(count));

    public string ReadLatin1(long count) => Encoding.Latin1.GetString(ReadSpan(count));

    /// <summary>Reads up to a newline (the text arguments of GLOBAL); at most 4096 bytes.</summary>
    public string ReadLine()
    {
        int start = _pos;
        while (true)
        {
            if (ReadByte() == (byte)'\n')
            {
                return Encoding.UTF8.GetString(data, start, _pos - start - 1);
            }
            if (_pos - start > 4096)
            {
                throw Error($"a text argument at byte {start} is longer than 4096 bytes");
            }
        }
    }

    /// <summary>A little-endian two's-complement integer of <paramref name="count"/> bytes (LONG1/LONG4).</summary>
    public object ReadLong(long count)
    {
        if (count > 1 << 16)
        {
            throw Error($"an integer of {count} bytes is not plausible in a state dict");
        }
        var value = new BigInteger(ReadSpan(count), isUnsigned: false, isBigEndian: false);
        return value >= long.MinValue && value <= long.MaxValue ? (object)(long)value : value;
    }

    public WeightsFormatException Error(string problem) =>
        new(path, null, $"the pickle (data.pkl) is malformed: {problem}.");

    private void Need(long count)
    {
        if (count < 0 || count > data.Length - _pos)
        {
            throw Error($"it ends at byte {data.Length} but {count} more bytes are needed at byte {_pos} (truncated?)");
        }
    }
}
