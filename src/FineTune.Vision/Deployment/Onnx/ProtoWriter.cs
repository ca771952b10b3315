using System.Text;

namespace FineTune.Vision.Deployment.Onnx;

/// <summary>
/// The few protocol-buffers encodings an ONNX file needs (varints, length-delimited bytes and messages, 32-bit floats),
/// written into a growable buffer. Field numbers are onnx.proto's, used in <see cref="OnnxGraph"/>.
/// </summary>
internal sealed class ProtoWriter
{
    private const int Varint = 0, Fixed32 = 5, LengthDelimited = 2;
    private readonly MemoryStream _buffer = new();

    /// <summary>Bytes written so far.</summary>
    public long Length => _buffer.Length;

    /// <summary>The encoded message.</summary>
    public byte[] ToArray() => _buffer.ToArray();

    /// <summary>Writes the encoded message to <paramref name="stream"/>.</summary>
    public void CopyTo(Stream stream)
    {
        _buffer.Position = 0;
        _buffer.CopyTo(stream);
    }

    public void Int64(int field, long value)
    {
        Tag(field, Varint);
        WriteVarint(_buffer, (ulong)value);
    }

    public void Float(int field, float value)
    {
        Tag(field, Fixed32);
        Span<byte> bytes = stackalloc byte[4];
        BitConverter.TryWriteBytes(bytes, value);
        if (!BitConverter.IsLittleEndian) bytes.Reverse();
        _buffer.Write(bytes);
    }

    public void String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public void Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, LengthDelimited);
        WriteVarint(_buffer, (ulong)value.Length);
        _buffer.Write(value);
    }

    public void Message(int field, ProtoWriter message)
    {
        Tag(field, LengthDelimited);
        WriteVarint(_buffer, (ulong)message.Length);
        message.CopyTo(_buffer);
    }

    /// <summary>A packed repeated int64 field.</summary>
    public void PackedInt64(int field, IEnumerable<long> values)
    {
        var packed = new MemoryStream();
        foreach (long v in values) WriteVarint(packed, (ulong)v);
        Bytes(field, packed.ToArray());
    }

    /// <summary>The header of a length-delimited field whose <paramref name="length"/> payload bytes follow.</summary>
    public void LengthPrefix(int field, long length)
    {
        Tag(field, LengthDelimited);
        WriteVarint(_buffer, (ulong)length);
    }

    /// <summary>Bytes a varint of <paramref name="value"/> takes.</summary>
    public static int VarintSize(ulong value)
    {
        int n = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            n++;
        }
        return n;
    }

    private void Tag(int field, int wireType) => WriteVarint(_buffer, (ulong)((field << 3) | wireType));

    internal static void WriteVarint(Stream stream, ulong value)
    {
        while (value >= 0x80)
        {
            stream.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        stream.WriteByte((byte)value);
    }
}
