using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Deployment.Onnx;

/// <summary>
/// An ONNX graph under construction (opset 17, default domain): nodes in topological order, initializers (float32
/// weights as <c>raw_data</c>, int64 shape/index constants), one float32 input and one output. <see cref="Write"/>
/// streams the <c>ModelProto</c> to a file without holding a second copy of the weights in one buffer.
/// </summary>
/// <remarks>Field numbers are onnx.proto's (github.com/onnx/onnx, onnx/onnx.proto).</remarks>
internal sealed class OnnxGraph
{
    public const int Opset = 17;
    public const long IrVersion = 8;    // IR_VERSION_2021_7_30, the IR of opset 17

    private const int FloatType = 1, Int64Type = 7;
    private readonly List<byte[]> _nodes = [];
    private readonly List<(string Name, long[] Dims, int Type, byte[] Data)> _initializers = [];
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _constants = new(StringComparer.Ordinal);
    private int _counter;

    /// <summary>The names of the initializers, in order.</summary>
    public IEnumerable<string> InitializerNames => _initializers.Select(i => i.Name);

    /// <summary>Total bytes of initializer data.</summary>
    public long InitializerBytes => _initializers.Sum(i => (long)i.Data.Length);

    /// <summary>Adds a float32 initializer with the values and shape of <paramref name="tensor"/> (copied now).</summary>
    public string Weight(string name, Tensor tensor)
    {
        using var scope = NewDisposeScope();
        var t = tensor.detach().to(ScalarType.Float32).cpu().contiguous();
        float[] values = t.data<float>().ToArray();
        return AddInitializer(name, t.shape, FloatType, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
    }

    /// <summary>A float32 constant (scalar when <paramref name="dims"/> is empty), shared between identical uses.</summary>
    public string FloatConstant(float[] values, params long[] dims) =>
        Constant("f", FloatType, MemoryMarshal.AsBytes(values.AsSpan()).ToArray(), dims);

    /// <summary>A float32 scalar constant.</summary>
    public string Scalar(double value) => FloatConstant([(float)value]);

    /// <summary>A 1-D int64 constant (shapes, axes, starts, ends).</summary>
    public string Int64s(params long[] values) => Constant("i", Int64Type, MemoryMarshal.AsBytes(values.AsSpan()).ToArray(), [values.Length]);

    /// <summary>An int64 scalar constant (a Gather index that drops the axis).</summary>
    public string Int64Scalar(long value) => Constant("s", Int64Type, BitConverter.GetBytes(value), []);

    /// <summary>Adds a node; returns its (single) output name.</summary>
    public string Node(string opType, string[] inputs, params (string Name, object Value)[] attributes)
    {
        string output = $"{opType}_{_counter++}";
        var node = new ProtoWriter();
        foreach (string input in inputs) node.String(1, input);
        node.String(2, output);
        node.String(3, output);
        node.String(4, opType);
        foreach (var (name, value) in attributes) node.Message(5, Attribute(name, value));
        _nodes.Add(node.ToArray());
        return output;
    }

    /// <summary>Writes the model: <paramref name="input"/> float32 [batch, c, h, w] with a symbolic batch, <paramref name="output"/> float32 [batch, classes].</summary>
    public void Write(Stream stream, string graphName, (string Name, long[] Shape) input, (string Name, string From, long[] Shape) output,
        IReadOnlyDictionary<string, string> metadata, string producerVersion)
    {
        var head = new ProtoWriter();
        head.Int64(1, IrVersion);
        head.String(2, "FineTune.Vision");
        head.String(3, producerVersion);
        var opset = new ProtoWriter();
        opset.String(1, "");
        opset.Int64(2, Opset);
        head.Message(8, opset);
        foreach (var (key, value) in metadata)
        {
            var entry = new ProtoWriter();
            entry.String(1, key);
            entry.String(2, value);
            head.Message(14, entry);
        }

        // The graph's small fields; the output is an Identity of the last value so that it carries the public name.
        var nodes = _nodes.Append(RenameOutput(output.From, output.Name)).ToList();
        var small = new ProtoWriter();
        foreach (byte[] node in nodes) small.Bytes(1, node);
        small.String(2, graphName);
        small.Message(11, ValueInfo(input.Name, input.Shape));
        small.Message(12, ValueInfo(output.Name, output.Shape));
        var headers = _initializers.Select(i => (Header: TensorHeader(i.Name, i.Dims, i.Type), i.Data)).ToList();
        long graphLength = small.Length + headers.Sum(h => FieldLength(TensorLength(h.Header, h.Data.Length)));

        head.LengthPrefix(7, graphLength);
        head.CopyTo(stream);
        small.CopyTo(stream);
        foreach (var (header, data) in headers)
        {
            var prefix = new ProtoWriter();
            prefix.LengthPrefix(5, TensorLength(header, data.Length));
            prefix.CopyTo(stream);
            header.CopyTo(stream);
            var raw = new ProtoWriter();
            raw.LengthPrefix(9, data.Length);
            raw.CopyTo(stream);
            stream.Write(data);
        }
    }

    private static byte[] RenameOutput(string from, string to)
    {
        var node = new ProtoWriter();
        node.String(1, from);
        node.String(2, to);
        node.String(3, to);
        node.String(4, "Identity");
        return node.ToArray();
    }

    private string Constant(string prefix, int type, byte[] data, long[] dims)
    {
        string key = $"{type}|{string.Join(",", dims)}|{Convert.ToBase64String(data)}";
        if (_constants.TryGetValue(key, out string? name)) return name;
        name = AddInitializer($"const_{prefix}{_counter++}", dims, type, data);
        _constants[key] = name;
        return name;
    }

    private string AddInitializer(string name, long[] dims, int type, byte[] data)
    {
        if (!_names.Add(name)) throw new InvalidOperationException($"Initializer '{name}' was added twice.");
        _initializers.Add((name, dims, type, data));
        return name;
    }

    private static ProtoWriter TensorHeader(string name, long[] dims, int type)
    {
        var t = new ProtoWriter();
        foreach (long d in dims) t.Int64(1, d);
        t.Int64(2, type);
        t.String(8, name);
        return t;
    }

    private static long TensorLength(ProtoWriter header, long dataLength) => header.Length + FieldLength(dataLength);

    private static long FieldLength(long payload) => 1 + ProtoWriter.VarintSize((ulong)payload) + payload;

    private static ProtoWriter ValueInfo(string name, long[] shape)
    {
        var dims = new ProtoWriter();
        foreach (long d in shape)
        {
            var dim = new ProtoWriter();
            if (d < 0) dim.String(2, "batch");
            else dim.Int64(1, d);
            dims.Message(1, dim);
        }
        var tensorType = new ProtoWriter();
        tensorType.Int64(1, FloatType);
        tensorType.Message(2, dims);
        var type = new ProtoWriter();
        type.Message(1, tensorType);
        var info = new ProtoWriter();
        info.String(1, name);
        info.Message(2, type);
        return info;
    }

    private static ProtoWriter Attribute(string name, object value)
    {
        var a = new ProtoWriter();
        a.String(1, name);
        switch (value)
        {
            case float f:
                a.Float(2, f);
                a.Int64(20, 1);
                break;
            case double d:
                a.Float(2, (float)d);
                a.Int64(20, 1);
                break;
            case int i:
                a.Int64(3, i);
                a.Int64(20, 2);
                break;
            case long l:
                a.Int64(3, l);
                a.Int64(20, 2);
                break;
            case long[] ints:
                foreach (long v in ints) a.Int64(8, v);
                a.Int64(20, 7);
                break;
            default:
                throw new ArgumentException($"Attribute '{name}': unsupported value type {value.GetType().Name}.", nameof(value));
        }
        return a;
    }
}
