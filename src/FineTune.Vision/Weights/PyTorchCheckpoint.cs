using System.IO.Compression;
using FineTune.Vision.Weights.Pickle;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Weights;

/// <summary>
/// Reads the zip format of <c>torch.save</c> (<c>.pth</c>, <c>.pt</c>, <c>.bin</c>) through a restricted
/// unpickler: state dicts of tensors (any storage dtype, strided and offset views, shared storages) inside plain
/// or nested containers. It never imports or calls Python globals: any name beyond tensors, storages and
/// OrderedDict is refused with <see cref="UnsafeCheckpointException"/>.
/// </summary>
public static class PyTorchCheckpoint
{
    private const long MaxPickleBytes = 1L << 30;

    /// <summary>Reads the state dict of a checkpoint onto the CPU.</summary>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="options">Which container to read in a nested checkpoint; null for automatic.</param>
    /// <returns>The tensors, in pickle order; <see cref="StateDict.ContainerPath"/> says which container was used.</returns>
    /// <exception cref="UnsafeCheckpointException">The pickle refers to a global outside the allowed set.</exception>
    /// <exception cref="WeightsFormatException">The file is not a torch zip checkpoint, or is truncated or malformed.</exception>
    public static StateDict Load(string path, CheckpointReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= new CheckpointReadOptions();
        Core.TorchBackend.EnsureAvailable();
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            return Load(path, file, options);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException)
        {
            // ZipArchive reads its central directory lazily, so a corrupt one can surface on any access.
            throw new WeightsFormatException(path, null, $"the zip archive is corrupt ({e.Message}); the file is truncated or damaged.", e);
        }
    }

    private static StateDict Load(string path, FileStream file, CheckpointReadOptions options)
    {
        if (file.Length >= 2 && file.ReadByte() == 0x80)
        {
            file.Position = 0;
            return LegacyCheckpoint.Load(path, file, options);
        }
        file.Position = 0;
        using var zip = OpenZip(path, file);
        var (prefix, pickle) = FindPickle(path, zip);
        CheckByteOrder(path, zip, prefix);
        object? root = new RestrictedUnpickler(path, ReadEntry(path, pickle, file.Length)).Load();
        return Build(path, root, options, WeightsFormat.PyTorchZip, zip, prefix, file.Length, []);
    }

    /// <summary>
    /// Chooses the state dict in an unpickled checkpoint and materialises its tensors from <paramref name="storages"/>
    /// (the legacy format reads them all first) or from the zip's <c>data/</c> entries.
    /// </summary>
    internal static StateDict Build(string path, object? root, CheckpointReadOptions options, WeightsFormat format,
        ZipArchive? zip, string prefix, long fileLength, Dictionary<string, Tensor> storages)
    {
        var notes = new List<string>();
        var (refs, container) = CheckpointContainer.Select(path, root, options, notes);
        var result = new StateDict { SourcePath = path, Format = format, ContainerPath = container };
        foreach (var note in notes)
        {
            result.Notes.Add(note);
        }
        long copiesLeft = fileLength;
        try
        {
            foreach (var (key, tensorRef) in refs)
            {
                result.Add(key, Materialize(path, zip, prefix, key, tensorRef, storages, fileLength, ref copiesLeft));
            }
        }
        catch
        {
            result.Dispose();
            throw;
        }
        finally
        {
            foreach (var storage in storages.Values)
            {
                storage.Dispose();
            }
        }
        return result;
    }

    private static ZipArchive OpenZip(string path, FileStream file)
    {
        try
        {
            return new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            throw new WeightsFormatException(path, null, $"not a readable zip archive ({e.Message}); the file is truncated or " +
                "not a torch.save checkpoint of PyTorch 1.6 or later.", e);
        }
    }

    private static (string Prefix, ZipArchiveEntry Pickle) FindPickle(string path, ZipArchive zip)
    {
        var pickle = zip.Entries.Where(e => e.FullName == "data.pkl" || e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal))
            .OrderBy(e => e.FullName.Length).FirstOrDefault();
        if (pickle is null)
        {
            bool script = zip.Entries.Any(e => e.FullName.EndsWith("constants.pkl", StringComparison.Ordinal));
            throw new WeightsFormatException(path, null, script
                ? "this is a TorchScript archive (torch.jit.save), not a state dict; in Python, save model.state_dict() with torch.save."
                : "the zip holds no data.pkl, so it is not a torch.save checkpoint.");
        }
        return (pickle.FullName[..^"data.pkl".Length], pickle);
    }

    private static void CheckByteOrder(string path, ZipArchive zip, string prefix)
    {
        var entry = zip.GetEntry(prefix + "byteorder");
        if (entry is not null && entry.Length < 16 && System.Text.Encoding.ASCII.GetString(ReadEntry(path, entry, 16)).Trim() == "big")
        {
            throw new WeightsFormatException(path, null, "the checkpoint was saved on a big-endian machine; re-save it on a little-endian one.");
        }
    }

    private static byte[] ReadEntry(string path, ZipArchiveEntry entry, long fileLength)
    {
        if (entry.Length > MaxPickleBytes)
        {
            throw new WeightsFormatException(path, null, $"'{entry.FullName}' claims {entry.Length} bytes, more than the {MaxPickleBytes}-byte limit.");
        }
        if (entry.Length > fileLength)
        {
            CheckInflates(path, null, entry, entry.Length);
        }
        var bytes = new byte[entry.Length];
        try
        {
            using var stream = entry.Open();
            stream.ReadExactly(bytes);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException)
        {
            throw new WeightsFormatException(path, null, $"'{entry.FullName}' cannot be read ({e.Message}); the file is truncated or corrupt.", e);
        }
        return bytes;
    }

    private static Tensor Materialize(string path, ZipArchive? zip, string prefix, string key, TensorRef t,
        Dictionary<string, Tensor> storages, long fileLength, ref long copiesLeft)
    {
        long numel = CheckView(path, key, t);
        if (!storages.TryGetValue(t.Storage.Key, out var storage))
        {
            storage = ReadStorage(path, zip, prefix, key, t.Storage, fileLength);
            storages[t.Storage.Key] = storage;
        }
        if (t.Offset == 0 && numel == t.Storage.Numel && IsContiguous(t.Size, t.Stride))
        {
            return storage.view(t.Size).DetachFromDisposeScope();
        }
        long bytes = numel * t.Storage.Type.ElementSize;
        if (bytes > copiesLeft)
        {
            throw new WeightsFormatException(path, key, $"its strided view of [{string.Join(", ", t.Size)}] needs a {bytes}-byte copy, which " +
                $"with the copies before it is more than the file's {fileLength} bytes (an expanded, stride-0 tensor?); in Python, save it with .contiguous().");
        }
        copiesLeft -= bytes;
        using var view = storage.as_strided(t.Size, t.Stride, t.Offset);
        return NativeBytes.Clone(view);
    }

    /// <summary>Checks the view against its storage and returns its element count.</summary>
    private static long CheckView(string path, string key, TensorRef t)
    {
        if (t.Offset < 0 || t.Size.Any(s => s < 0) || t.Stride.Any(s => s < 0))
        {
            throw new WeightsFormatException(path, key, $"negative offset, size or stride (offset {t.Offset}, size [{string.Join(", ", t.Size)}], stride [{string.Join(", ", t.Stride)}]).");
        }
        if (t.Size.Any(s => s == 0))
        {
            return 0;
        }
        long last = t.Offset, numel = 1;
        try
        {
            for (int i = 0; i < t.Size.Length; i++)
            {
                last = checked(last + (t.Size[i] - 1) * t.Stride[i]);
                numel = checked(numel * t.Size[i]);
            }
            _ = checked(numel * t.Storage.Type.ElementSize);
        }
        catch (OverflowException)
        {
            throw new WeightsFormatException(path, key, $"the view (offset {t.Offset}, size [{string.Join(", ", t.Size)}], stride " +
                $"[{string.Join(", ", t.Stride)}]) is too large to address.");
        }
        if (last >= t.Storage.Numel)
        {
            throw new WeightsFormatException(path, key, $"the view (offset {t.Offset}, size [{string.Join(", ", t.Size)}], stride " +
                $"[{string.Join(", ", t.Stride)}]) reaches element {last} of a {t.Storage.Numel}-element storage.");
        }
        return numel;
    }

    private static Tensor ReadStorage(string path, ZipArchive? zip, string prefix, string key, StorageRef s, long fileLength)
    {
        string name = $"{prefix}data/{s.Key}";
        var entry = zip?.GetEntry(name)
            ?? throw new WeightsFormatException(path, key, $"its storage '{name}' is missing from the zip (file truncated?).");
        long bytes = s.Numel > long.MaxValue / s.Type.ElementSize ? long.MaxValue : s.Numel * s.Type.ElementSize;
        if (entry.Length < bytes || entry.CompressedLength > fileLength || bytes / 1100 > entry.CompressedLength)
        {
            throw new WeightsFormatException(path, key, $"its storage '{name}' should hold {s.Numel} x {s.Type.Name} = {bytes} bytes " +
                $"but the zip entry has {entry.Length} ({entry.CompressedLength} stored); the file is truncated or corrupt.");
        }
        if (bytes > fileLength)
        {
            CheckInflates(path, key, entry, bytes);
        }
        var tensor = NativeBytes.Empty([s.Numel], s.Type.DType);
        try
        {
            using var stream = entry.Open();
            NativeBytes.Visit(tensor, (span, _) => stream.ReadExactly(span));
            return tensor;
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException)
        {
            tensor.Dispose();
            throw new WeightsFormatException(path, key, $"its storage '{name}' cannot be read ({e.Message}); the file is truncated or corrupt.", e);
        }
    }

    /// <summary>
    /// Before allocating more than the file's size for a compressed entry, inflates it once into a small buffer to
    /// check that it really holds <paramref name="bytes"/> bytes, so a lying size allocates nothing.
    /// </summary>
    private static void CheckInflates(string path, string? key, ZipArchiveEntry entry, long bytes)
    {
        var buffer = new byte[1 << 16];
        long total = 0;
        try
        {
            using var stream = entry.Open();
            for (int n; total < bytes && (n = stream.Read(buffer)) > 0;)
            {
                total += n;
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw new WeightsFormatException(path, key, $"'{entry.FullName}' cannot be read ({e.Message}); the file is truncated or corrupt.", e);
        }
        if (total < bytes)
        {
            throw new WeightsFormatException(path, key, $"'{entry.FullName}' claims {bytes} bytes but inflates to {total}; the file is truncated or corrupt.");
        }
    }

    private static bool IsContiguous(long[] size, long[] stride)
    {
        long expected = 1;
        for (int i = size.Length - 1; i >= 0; i--)
        {
            if (size[i] != 1 && stride[i] != expected)
            {
                return false;
            }
            expected *= size[i];
        }
        return true;
    }
}
