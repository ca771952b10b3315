using System.IO.Compression;

namespace FineTune.Vision.Data;

/// <summary>
/// Reads an IDX file (the MNIST format), gzipped or not (detected from the gzip magic, not the name):
/// magic <c>00 00 08 nd</c> (unsigned bytes, nd dimensions), nd big-endian 32-bit sizes, then the data.
/// </summary>
internal sealed class IdxFile
{
    private IdxFile(int[] dims, byte[] data, int dataOffset)
    {
        Dims = dims;
        Data = data;
        DataOffset = dataOffset;
    }

    /// <summary>Sizes of each dimension.</summary>
    public int[] Dims { get; }

    /// <summary>The decompressed file; the payload starts at <see cref="DataOffset"/>.</summary>
    public byte[] Data { get; }

    /// <summary>Where the payload starts in <see cref="Data"/>.</summary>
    public int DataOffset { get; }

    /// <summary>Reads and validates the file; <paramref name="allowedRanks"/> are the dimension counts accepted.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">Bad magic, element type, rank, sizes or length; the message names the file.</exception>
    public static IdxFile Read(string path, params int[] allowedRanks)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"IDX file '{path}' does not exist.", path);
        byte[] data = Decompress(path, File.ReadAllBytes(path));
        if (data.Length < 4 || data[0] != 0 || data[1] != 0)
            throw new InvalidDataException(
                $"'{path}' is not an IDX file: it starts with {Hex(data, 4)}, expected 00 00 08 <dims> (for example 00 00 08 03 for images, 00 00 08 01 for labels).");
        if (data[2] != 0x08)
            throw new InvalidDataException($"IDX file '{path}' has element type 0x{data[2]:X2}; only unsigned bytes (0x08) are supported.");
        int rank = data[3];
        if (!allowedRanks.Contains(rank))
            throw new InvalidDataException($"IDX file '{path}' has {rank} dimensions; expected {string.Join(" or ", allowedRanks)}.");
        int offset = 4 + 4 * rank;
        if (data.Length < offset)
            throw new InvalidDataException($"IDX file '{path}' is truncated: {data.Length} bytes, shorter than its {offset}-byte header.");
        int[] dims = new int[rank];
        long expected = 1;
        for (int d = 0; d < rank; d++)
        {
            uint size = (uint)(data[4 + 4 * d] << 24 | data[5 + 4 * d] << 16 | data[6 + 4 * d] << 8 | data[7 + 4 * d]);
            if (size == 0 || size > int.MaxValue)
                throw new InvalidDataException($"IDX file '{path}' has dimension {d} of size {size}; sizes must be 1..{int.MaxValue}.");
            dims[d] = (int)size;
            expected *= size;
        }
        long actual = data.Length - offset;
        if (actual != expected)
            throw new InvalidDataException(
                $"IDX file '{path}' holds {actual} data bytes after its header, but its dimensions {string.Join('x', dims)} need {expected}: " +
                (actual < expected ? "the file is truncated." : "the file has trailing bytes."));
        return new IdxFile(dims, data, offset);
    }

    private static byte[] Decompress(string path, byte[] raw)
    {
        if (raw.Length < 2 || raw[0] != 0x1F || raw[1] != 0x8B) return raw;
        try
        {
            using var gzip = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress);
            using var output = new MemoryStream();
            gzip.CopyTo(output);
            return output.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"IDX file '{path}' is gzipped but its compressed data is corrupt or truncated: {e.Message}", e);
        }
    }

    private static string Hex(byte[] data, int count) =>
        data.Length == 0 ? "nothing (the file is empty)" : string.Join(' ', data.Take(count).Select(b => b.ToString("X2")));
}
