using System.Buffers.Binary;

namespace FineTune.Vision.Weights;

/// <summary>Opens a weights file of any supported format (safetensors, torch.save zip or legacy), detected from its first bytes (not its extension).</summary>
public static class WeightsFile
{
    /// <summary>Detects the container format from the file's content.</summary>
    /// <exception cref="WeightsFormatException">The content is neither format; the message says what it looks like.</exception>
    public static WeightsFormat DetectFormat(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        Span<byte> head = stackalloc byte[9];
        int read;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 16))
        {
            read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        if (read >= 4 && head[0] == (byte)'P' && head[1] == (byte)'K' && head[2] == 3 && head[3] == 4)
        {
            return WeightsFormat.PyTorchZip;
        }
        if (read >= 2 && head[0] == 0x80 && head[1] <= 5)
        {
            return WeightsFormat.PyTorchLegacy;
        }
        if (read == 9 && head[8] == (byte)'{' && BinaryPrimitives.ReadUInt64LittleEndian(head) > 0)
        {
            return WeightsFormat.SafeTensors;
        }
        throw new WeightsFormatException(path, null, read < 9
            ? $"the file has only {read} bytes: it is empty or truncated."
            : "neither a safetensors file (8-byte length, then '{') nor a torch.save file ('PK' zip, or a legacy pickle); supported formats: .safetensors, .pth/.pt/.bin.");
    }

    /// <summary>Reads every tensor of a safetensors file or torch.save checkpoint onto the CPU.</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">Container choice for nested PyTorch checkpoints; ignored for safetensors.</param>
    /// <remarks>
    /// Also reads sharded safetensors: pass <c>model.safetensors.index.json</c> (any <c>*.safetensors.index.json</c>) or
    /// a folder holding <c>model.safetensors.index.json</c>; a folder holding just <c>model.safetensors</c> or
    /// <c>pytorch_model.bin</c> reads that file.
    /// </remarks>
    public static StateDict Load(string path, CheckpointReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        path = Resolve(path);
        if (path.EndsWith(".safetensors.index.json", StringComparison.OrdinalIgnoreCase))
        {
            return ShardedSafeTensors.Load(path);
        }
        return DetectFormat(path) switch
        {
            WeightsFormat.SafeTensors => SafeTensors.Load(path),
            _ => PyTorchCheckpoint.Load(path, options),
        };
    }

    /// <summary>A folder becomes its weights file: the sharded index, else model.safetensors, else pytorch_model.bin.</summary>
    private static string Resolve(string path)
    {
        if (!Directory.Exists(path))
        {
            return path;
        }
        foreach (string name in new[] { ShardedSafeTensors.IndexName, "model.safetensors", "pytorch_model.bin" })
        {
            string candidate = Path.Combine(path, name);
            if (File.Exists(candidate)) return candidate;
        }
        throw new WeightsFormatException(path, null, $"the folder holds none of {ShardedSafeTensors.IndexName}, model.safetensors or pytorch_model.bin.");
    }
}
