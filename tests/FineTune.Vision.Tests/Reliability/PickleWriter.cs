using System.Buffers.Binary;
using System.Text;

namespace FineTune.Vision.Tests.Reliability;

/// <summary>Writes pickle bytes by hand (protocol 2 opcodes, as torch.save emits them), for hostile fixtures.</summary>
internal sealed class PickleWriter
{
    private readonly List<byte> _bytes = [];

    public int Length => _bytes.Count;

    public PickleWriter Proto(byte version = 2) => Op(0x80).Raw(version);

    public PickleWriter Op(int op) => Raw((byte)op);

    public PickleWriter Raw(params byte[] bytes)
    {
        _bytes.AddRange(bytes);
        return this;
    }

    public PickleWriter Repeat(int times, Action<PickleWriter> body)
    {
        for (int i = 0; i < times; i++) body(this);
        return this;
    }

    public PickleWriter Str(string s)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(s);
        return utf8.Length < 256 ? Op(0x8c).Raw((byte)utf8.Length).Raw(utf8) : Op('X').UInt32((uint)utf8.Length).Raw(utf8);
    }

    public PickleWriter Int(long v)
    {
        if (v is >= 0 and < 256) return Op('K').Raw((byte)v);
        if (v is >= int.MinValue and <= int.MaxValue) return Op('J').UInt32((uint)(int)v);
        var b = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(b, v);
        return Op(0x8a).Raw(8).Raw(b);
    }

    public PickleWriter UInt32(uint v)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        return Raw(b);
    }

    public PickleWriter Global(string module, string name) => Op('c').Raw(Encoding.ASCII.GetBytes($"{module}\n{name}\n"));

    public PickleWriter StackGlobal(string module, string name) => Str(module).Str(name).Op(0x93);

    public PickleWriter Mark() => Op('(');

    public PickleWriter Tuple() => Op('t');

    public PickleWriter Put(byte i) => Op('q').Raw(i);

    public PickleWriter Get(byte i) => Op('h').Raw(i);

    public PickleWriter Reduce() => Op('R');

    public PickleWriter Stop() => Op('.');

    /// <summary>A tuple of small ints (sizes, strides).</summary>
    public PickleWriter IntTuple(params long[] values)
    {
        Mark();
        foreach (long v in values) Int(v);
        return Tuple();
    }

    /// <summary>
    /// <c>_rebuild_tensor_v2(persistent_load(('storage', torch.&lt;type&gt;, key, 'cpu', numel)), offset, size, stride,
    /// False, OrderedDict())</c>, as torch.save writes each tensor.
    /// </summary>
    public PickleWriter Tensor(string storageType, string key, long numel, long offset, long[] size, long[] stride)
    {
        Global("torch._utils", "_rebuild_tensor_v2").Mark();
        Mark().Str("storage").Global("torch", storageType).Str(key).Str("cpu").Int(numel).Tuple().Op('Q');
        Int(offset).IntTuple(size).IntTuple(stride).Op(0x89).Global("collections", "OrderedDict").Op(')').Reduce();
        return Tuple().Reduce();
    }

    public byte[] ToArray() => [.. _bytes];
}
