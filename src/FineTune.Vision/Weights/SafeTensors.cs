using System.Buffers.Binary;
using System.Text.Json;
using FineTune.Vision.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Weights;

/// <summary>
/// Reads and writes the safetensors format (F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL and
/// <c>__metadata__</c>). Reading copies each tensor's bytes straight from the file into the tensor's native memory
/// (positional reads, no managed staging buffer and no memory map: a map costs a page fault per 4 KiB page, which made
/// loading 2-3x slower than a plain read of the same bytes); the header is validated strictly against the file size first. Writing is atomic.
/// </summary>
public static class SafeTensors
{
    /// <summary>Reads every tensor of a safetensors file onto the CPU.</summary>
    /// <param name="path">The file.</param>
    /// <param name="include">Optional filter on tensor names; others are not read.</param>
    /// <returns>The tensors in header order, with the file's metadata; the caller owns it.</returns>
    /// <exception cref="WeightsFormatException">The file is truncated, malformed or uses an unsupported dtype.</exception>
    public static StateDict Load(string path, Func<string, bool>? include = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        CheckPlatform();
        Core.TorchBackend.EnsureAvailable();
        using var stream = OpenRead(path);
        var (entries, metadata, dataStart) = ReadHeader(path, stream);
        var result = new StateDict { SourcePath = path, Format = WeightsFormat.SafeTensors };
        foreach (var (k, v) in metadata)
        {
            result.Metadata[k] = v;
        }
        try
        {
            var wanted = entries.Where(e => include is null || include(e.Name)).ToList();
            if (wanted.Any(e => e.End > e.Begin))
            {
                ReadDirect(path, stream, dataStart, wanted, result);
            }
            else
            {
                wanted.ForEach(e => result.Add(e.Name, NativeBytes.Empty(e.Shape, e.DType)));
            }
        }
        catch
        {
            result.Dispose();
            throw;
        }
        return result;
    }

    /// <summary>Reads only the header: tensor names, dtypes and shapes, and the metadata.</summary>
    /// <returns>Per tensor, its dtype and shape (in header order), and the metadata.</returns>
    public static (IReadOnlyList<(string Name, ScalarType DType, long[] Shape)> Tensors, IReadOnlyDictionary<string, string> Metadata)
        ReadHeader(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = OpenRead(path);
        var (entries, metadata, _) = ReadHeader(path, stream);
        return (entries.Select(e => (e.Name, e.DType, e.Shape)).ToList(), metadata);
    }

    /// <summary>Writes a state dict (and its <see cref="StateDict.Metadata"/>) to <paramref name="path"/>, atomically.</summary>
    public static void Save(string path, StateDict tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        Save(path, tensors, tensors.Metadata.ToDictionary(p => p.Key, p => p.Value));
    }

    /// <summary>
    /// Writes named tensors (any device, any layout) to <paramref name="path"/>: first to a temporary file beside
    /// it, flushed to the disk, then renamed over it, so a crash never leaves a half-written file under the final name.
    /// </summary>
    /// <param name="path">The destination.</param>
    /// <param name="tensors">Names and tensors; names must be unique and not <c>__metadata__</c>.</param>
    /// <param name="metadata">Optional string metadata, stored as <c>__metadata__</c>.</param>
    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(tensors);
        CheckPlatform();
        var items = tensors.ToList();
        byte[] header = BuildHeader(path, items, metadata);
        AtomicFile.Write(path, stream =>
        {
            Span<byte> prefix = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
            stream.Write(prefix);
            stream.Write(header);
            foreach (var (_, tensor) in items)
            {
                using var cpu = tensor.detach().cpu().contiguous();
                NativeBytes.Visit(cpu, (span, _) => stream.Write(span));
            }
        });
    }

    private static byte[] BuildHeader(string path, List<KeyValuePair<string, Tensor>> items, IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("__metadata__");
                foreach (var (k, v) in metadata)
                {
                    json.WriteString(k, v);
                }
                json.WriteEndObject();
            }
            var names = new HashSet<string>(StringComparer.Ordinal);
            long offset = 0;
            foreach (var (name, tensor) in items)
            {
                ArgumentNullException.ThrowIfNull(tensor, name);
                if (name == "__metadata__" || !names.Add(name))
                {
                    throw new WeightsFormatException(path, name, "the name is reserved or used twice; tensor names must be unique.");
                }
                string dtype = SafeTensorsDType.NameOf(tensor.dtype)
                    ?? throw new WeightsFormatException(path, name,
                        $"dtype {tensor.dtype} cannot be stored in safetensors (supported: {SafeTensorsDType.Supported}); convert it first.");
                long bytes = tensor.numel() * tensor.element_size();
                json.WriteStartObject(name);
                json.WriteString("dtype", dtype);
                json.WriteStartArray("shape");
                foreach (long d in tensor.shape)
                {
                    json.WriteNumberValue(d);
                }
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + bytes);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += bytes;
            }
            json.WriteEndObject();
        }
        while (buffer.Length % 8 != 0)
        {
            buffer.WriteByte((byte)' ');
        }
        return buffer.ToArray();
    }

    private static (List<SafeTensorsEntry>, Dictionary<string, string>, long) ReadHeader(string path, FileStream stream)
    {
        long fileLength = stream.Length;
        if (fileLength < 8)
        {
            throw new WeightsFormatException(path, null,
                $"the file has {fileLength} bytes, too few for a safetensors header (8-byte length prefix); it is truncated or empty.");
        }
        Span<byte> prefix = stackalloc byte[8];
        stream.ReadExactly(prefix);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        SafeTensorsHeader.CheckLength(path, headerLength, fileLength);
        var json = new byte[(int)headerLength];
        stream.ReadExactly(json);
        long dataStart = 8 + (long)headerLength;
        var (entries, metadata) = SafeTensorsHeader.Parse(path, json, fileLength - dataStart);
        return (entries, metadata, dataStart);
    }

    private static void ReadDirect(string path, FileStream stream, long dataStart, List<SafeTensorsEntry> entries, StateDict result)
    {
        var handle = stream.SafeFileHandle;
        foreach (var entry in entries)
        {
            var tensor = NativeBytes.Empty(entry.Shape, entry.DType);
            try
            {
                long start = dataStart + entry.Begin;
                NativeBytes.Visit(tensor, (span, offset) => ReadExactlyAt(path, entry.Name, handle, span, start + offset));
            }
            catch
            {
                tensor.Dispose();
                throw;
            }
            result.Add(entry.Name, tensor);
        }
    }

    private static void ReadExactlyAt(string path, string name, Microsoft.Win32.SafeHandles.SafeFileHandle handle, Span<byte> destination, long position)
    {
        while (!destination.IsEmpty)
        {
            int read = RandomAccess.Read(handle, destination, position);
            if (read == 0)
            {
                throw new WeightsFormatException(path, name,
                    $"the file ended at byte {position} while {destination.Length} more bytes of this tensor were expected; it was truncated while being read.");
            }
            destination = destination[read..];
            position += read;
        }
    }

    private static FileStream OpenRead(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 12);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new FileNotFoundException($"Weights file '{path}' does not exist.", path, e);
        }
    }

    private static void CheckPlatform()
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("safetensors stores little-endian bytes; big-endian hosts are not supported.");
        }
    }
}
