using System.IO.Compression;
using System.Text;
using FineTune.Vision.Weights;
using FineTune.Vision.Weights.Pickle;

namespace FineTune.Vision.Tests.Weights;

/// <summary>Hand-made pickles: refused globals and opcodes, lying lengths, and checkpoints claiming huge storages.</summary>
public sealed class RestrictedUnpicklerTests
{
    [Fact]
    public void Stack_global_names_are_refused_before_use()
    {
        var p = new PickleBytes().Proto().Unicode("builtins").Unicode("eval").Op(0x93).Unicode("1+1").Op(0x85).Op('R').Op('.');
        var e = Assert.Throws<UnsafeCheckpointException>(() => Load(p));
        Assert.Equal("builtins.eval", e.GlobalName);
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 2, (byte)'X', 0xF0, 0xFF, 0xFF, 0xFF, (byte)'a' }, "more bytes are needed")]
    [InlineData(new byte[] { 0x80, 2, (byte)'i', (byte)'o', (byte)'s', 10 }, "opcode 0x69")]
    [InlineData(new byte[] { 0x80, 2, (byte)'h', 7, (byte)'.' }, "memo entry 7")]
    [InlineData(new byte[] { 0x80, 2, (byte)'N', (byte)'N', (byte)'.' }, "STOP with 2 values")]
    [InlineData(new byte[] { 0x80, 2, (byte)'}' }, "ends at byte 3")]
    public void Malformed_pickles_fail_cleanly(byte[] bytes, string fragment)
    {
        var e = Assert.Throws<WeightsFormatException>(() => new RestrictedUnpickler("x.pth", bytes).Load());
        Assert.Contains(fragment, e.Message);
        Assert.Contains("'x.pth'", e.Message);
    }

    [Fact]
    public void Plain_values_and_containers_are_built()
    {
        var p = new PickleBytes().Proto().Op('}').Op('(').Unicode("epoch").Op('K').Raw(3)
            .Unicode("lr").Op('G').Raw(BitConverter.GetBytes(0.5).Reverse().ToArray())
            .Unicode("big").Op(0x8a).Raw(9).Raw(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 1 })
            .Unicode("flags").Op(']').Op('(').Op(0x88).Op('N').Op('e').Op('u').Op('.');
        var root = Assert.IsType<PyDict>(Load(p));
        Assert.True(root.TryGet("epoch", out var epoch) && (long)epoch! == 3);
        Assert.True(root.TryGet("lr", out var lr) && (double)lr! == 0.5);
        Assert.True(root.TryGet("big", out var big) && big is System.Numerics.BigInteger);
        Assert.True(root.TryGet("flags", out var flags) && ((List<object?>)flags!).Count == 2);
    }

    [Fact]
    public void A_storage_claiming_a_terabyte_is_rejected_before_any_allocation()
    {
        string dir = WeightsFixtures.TempDir();
        string path = Path.Combine(dir, "huge.pth");
        long numel = 1L << 40;
        var pickle = new PickleBytes().Proto().Op('}').Unicode("w").Global("torch._utils", "_rebuild_tensor_v2").Op('(')
            .Op('(').Unicode("storage").Global("torch", "FloatStorage").Unicode("0").Unicode("cpu").Long(numel).Op('t').Op('Q')
            .Op('K').Raw(0).Long(numel).Op(0x85).Op('K').Raw(1).Op(0x85).Op(0x89).Global("collections", "OrderedDict").Op(')').Op('R')
            .Op('t').Op('R').Op('s').Op('.');
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            Write(zip, "huge/data.pkl", pickle.ToArray());
            Write(zip, "huge/data/0", new byte[16]);
        }
        var e = Assert.Throws<WeightsFormatException>(() => WeightsFile.Load(path));
        Assert.Equal("w", e.Key);
        Assert.Contains("1099511627776 x FloatStorage = 4398046511104 bytes", e.Message);
        Directory.Delete(dir, true);
    }

    private static object? Load(PickleBytes p) => new RestrictedUnpickler("x.pth", p.ToArray()).Load();

    private static void Write(ZipArchive zip, string name, byte[] data)
    {
        using var s = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
        s.Write(data);
    }

    /// <summary>A tiny pickle writer for tests (protocol 2 opcodes).</summary>
    private sealed class PickleBytes
    {
        private readonly List<byte> _bytes = [];

        public PickleBytes Proto() => Op(0x80).Raw(2);

        public PickleBytes Op(int op) => Raw((byte)op);

        public PickleBytes Raw(params byte[] bytes)
        {
            _bytes.AddRange(bytes);
            return this;
        }

        public PickleBytes Unicode(string s)
        {
            var utf8 = Encoding.UTF8.GetBytes(s);
            return Op('X').Raw(BitConverter.GetBytes(utf8.Length)).Raw(utf8);
        }

        public PickleBytes Global(string module, string name) => Op('c').Raw(Encoding.ASCII.GetBytes($"{module}\n{name}\n"));

        public PickleBytes Long(long v) => Op(0x8a).Raw(8).Raw(BitConverter.GetBytes(v));

        public byte[] ToArray() => [.. _bytes];
    }
}
