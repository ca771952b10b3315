using System.IO.Compression;
using System.Text;

namespace FineTune.Vision.Tests.Reliability;

/// <summary>Builds torch.save zip archives (stored entries under <c>archive/</c>, as PyTorch writes them).</summary>
internal static class TorchZip
{
    /// <summary>An archive with <paramref name="pickle"/> as data.pkl and the given storages under data/.</summary>
    public static byte[] Build(byte[] pickle, IEnumerable<(string Key, byte[] Bytes)> storages, string prefix = "archive/",
        bool includePickle = true, string byteOrder = "little", CompressionLevel level = CompressionLevel.NoCompression)
    {
        using var memory = new MemoryStream();
        using (var zip = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
        {
            if (includePickle) Add(zip, prefix + "data.pkl", pickle, level);
            Add(zip, prefix + "byteorder", Encoding.ASCII.GetBytes(byteOrder), level);
            foreach (var (key, bytes) in storages) Add(zip, $"{prefix}data/{key}", bytes, level);
            Add(zip, prefix + "version", Encoding.ASCII.GetBytes("3\n"), level);
        }
        return memory.ToArray();
    }

    /// <summary>A valid two-tensor state dict: <c>w</c> float32 [2, 3] and <c>b</c> int64 [3].</summary>
    public static byte[] Valid() => Build(ValidPickle(), ValidStorages());

    public static byte[] ValidPickle() => new PickleWriter().Proto().Op('}').Mark()
        .Str("w").Tensor("FloatStorage", "0", 6, 0, [2, 3], [3, 1])
        .Str("b").Tensor("LongStorage", "1", 3, 0, [3], [1])
        .Op('u').Stop().ToArray();

    public static (string, byte[])[] ValidStorages() =>
        [("0", Enumerable.Range(0, 6).SelectMany(i => BitConverter.GetBytes((float)i)).ToArray()),
         ("1", Enumerable.Range(0, 3).SelectMany(i => BitConverter.GetBytes((long)i)).ToArray())];

    /// <summary>A state dict with one tensor whose storage and view are as given (storage bytes: what the file holds).</summary>
    public static byte[] OneTensor(string storageType, long numel, long offset, long[] size, long[] stride, int storageBytes) =>
        Build(new PickleWriter().Proto().Op('}').Str("t").Tensor(storageType, "0", numel, offset, size, stride).Op('s').Stop().ToArray(),
            [("0", new byte[storageBytes])]);

    /// <summary>Wraps a bare pickle (no storages) in an archive.</summary>
    public static byte[] Wrap(byte[] pickle) => Build(pickle, []);

    private static void Add(ZipArchive zip, string name, byte[] data, CompressionLevel level)
    {
        using var stream = zip.CreateEntry(name, level).Open();
        stream.Write(data);
    }
}
