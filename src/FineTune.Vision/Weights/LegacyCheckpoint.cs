using System.Buffers.Binary;
using FineTune.Vision.Weights.Pickle;
using static TorchSharp.torch;

namespace FineTune.Vision.Weights;

/// <summary>
/// The legacy (pre-1.6, non-zip) <c>torch.save</c> format, per torch/serialization.py <c>_legacy_save</c>: four pickles
/// in a row (magic number, protocol version, sys_info, the object), a pickled list of storage keys, then each storage
/// as an int64 element count and its raw little-endian bytes. Every pickle goes through the same restricted unpickler.
/// </summary>
internal static class LegacyCheckpoint
{
    private const long MaxBytes = 1L << 31;
    private static readonly System.Numerics.BigInteger Magic = System.Numerics.BigInteger.Parse("119547037146038801333356", System.Globalization.CultureInfo.InvariantCulture);

    public static StateDict Load(string path, FileStream file, CheckpointReadOptions options)
    {
        if (file.Length > MaxBytes)
        {
            throw new WeightsFormatException(path, null, $"a legacy torch.save file of {file.Length} bytes is larger than the {MaxBytes}-byte limit; re-save it in the zip format.");
        }
        var data = new byte[file.Length];
        file.ReadExactly(data);
        var magic = new RestrictedUnpickler(path, data);
        if (!IsMagic(magic.Load()))
        {
            throw new WeightsFormatException(path, null, "a pickle that does not start with torch.save's legacy magic number; it is not a PyTorch checkpoint.");
        }
        var version = new RestrictedUnpickler(path, data, magic.Position);
        if (version.Load() is not 1001L)
        {
            throw new WeightsFormatException(path, null, "a legacy torch.save file whose protocol version is not 1001.");
        }
        var sysInfo = new RestrictedUnpickler(path, data, version.Position);
        if (sysInfo.Load() is PyDict info && info.TryGet("little_endian", out var little) && little is false)
        {
            throw new WeightsFormatException(path, null, "the checkpoint was saved on a big-endian machine; re-save it on a little-endian one.");
        }
        var main = new RestrictedUnpickler(path, data, sysInfo.Position);
        object? root = main.Load();
        var keysPickle = new RestrictedUnpickler(path, data, main.Position);
        if (keysPickle.Load() is not List<object?> keys || keys.Any(k => k is not string))
        {
            throw new WeightsFormatException(path, null, "the legacy storage key list is not a list of strings.");
        }
        var storages = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            ReadStorages(path, data, keysPickle.Position, keys.Cast<string>(), main.Storages, storages);
            var result = PyTorchCheckpoint.Build(path, root, options, WeightsFormat.PyTorchLegacy, null, "", data.Length, storages);
            result.Notes.Add("read the legacy (pre-1.6, non-zip) torch.save format");
            return result;
        }
        finally
        {
            foreach (var storage in storages.Values) storage.Dispose();
        }
    }

    private static bool IsMagic(object? value) => value switch
    {
        System.Numerics.BigInteger b => b == Magic,
        _ => false,
    };

    private static void ReadStorages(string path, byte[] data, int at, IEnumerable<string> keys,
        IReadOnlyDictionary<string, StorageRef> known, Dictionary<string, Tensor> storages)
    {
        foreach (string key in keys)
        {
            if (!known.TryGetValue(key, out var s))
            {
                throw new WeightsFormatException(path, null, $"the legacy storage list names '{key}', which no tensor uses.");
            }
            if (data.Length - at < 8)
            {
                throw new WeightsFormatException(path, null, $"storage '{key}' starts past the end of the file (truncated?).");
            }
            long numel = BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(at, 8));
            at += 8;
            if (numel != s.Numel || numel < 0 || numel > (data.Length - at) / s.Type.ElementSize)
            {
                throw new WeightsFormatException(path, null, $"storage '{key}' holds {numel} elements where {s.Numel} x {s.Type.Name} " +
                    $"were declared and {data.Length - at} bytes remain; the file is truncated or corrupt.");
            }
            int bytes = (int)(numel * s.Type.ElementSize);
            var tensor = NativeBytes.Empty([numel], s.Type.DType);
            int from = at;
            NativeBytes.Visit(tensor, (span, offset) => data.AsSpan(from + (int)offset, span.Length).CopyTo(span));
            storages[key] = tensor;
            at += bytes;
        }
    }
}
