using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace FineTune.Vision.Tests.Reliability;

/// <summary>Writes PNG files by hand (any colour type and bit depth, unfiltered rows), including ones whose header lies.</summary>
internal static class PngWriter
{
    /// <summary>A PNG of <paramref name="width"/> x <paramref name="height"/> with the given raw samples (big-endian for 16 bits).</summary>
    public static byte[] Write(int width, int height, byte colorType, byte bitDepth, byte[] samples)
    {
        int rowBytes = samples.Length / height;
        using var raw = new MemoryStream();
        for (int y = 0; y < height; y++)
        {
            raw.WriteByte(0);
            raw.Write(samples, y * rowBytes, rowBytes);
        }
        return Assemble(width, height, colorType, bitDepth, Deflate(raw.ToArray()));
    }

    /// <summary>A tiny file whose header declares <paramref name="width"/> x <paramref name="height"/> RGB pixels.</summary>
    public static byte[] Bomb(int width, int height) => Assemble(width, height, 2, 8, Deflate(new byte[1024]));

    private static byte[] Assemble(int width, int height, byte colorType, byte bitDepth, byte[] idat)
    {
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        (header[8], header[9]) = (bitDepth, colorType);
        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        Chunk(png, "IHDR", header);
        Chunk(png, "IDAT", idat);
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static byte[] Deflate(byte[] data)
    {
        using var output = new MemoryStream();
        using (var z = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true)) z.Write(data);
        return output.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        png.Write(word);
        byte[] typed = [.. Encoding.ASCII.GetBytes(type), .. data];
        png.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(typed));
        png.Write(word);
    }

    private static uint Crc32(byte[] bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++) crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
        }
        return ~crc;
    }
}
