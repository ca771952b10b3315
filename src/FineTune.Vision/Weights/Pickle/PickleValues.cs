using TorchSharp;

namespace FineTune.Vision.Weights.Pickle;

// The small value model the restricted unpickler builds. Python ints become long (or BigInteger), floats double,
// str string, bytes byte[], list List<object?>, set/frozenset List<object?>, None null.

/// <summary>A Python tuple.</summary>
internal sealed record PyTuple(object?[] Items)
{
    public int Count => Items.Length;

    public object? this[int i] => Items[i];
}

/// <summary>A Python dict or OrderedDict, insertion-ordered; keys may be any hashable value.</summary>
internal sealed class PyDict
{
    private readonly List<KeyValuePair<object, object?>> _items = [];
    private readonly Dictionary<object, int> _index = [];

    public IReadOnlyList<KeyValuePair<object, object?>> Items => _items;

    public void Set(object key, object? value)
    {
        if (_index.TryGetValue(key, out int i))
        {
            _items[i] = new(key, value);
            return;
        }
        _index[key] = _items.Count;
        _items.Add(new(key, value));
    }

    public bool TryGet(string key, out object? value)
    {
        if (_index.TryGetValue(key, out int i))
        {
            value = _items[i].Value;
            return true;
        }
        value = null;
        return false;
    }
}

/// <summary>An allowed Python callable, identified by module and name; the unpickler interprets it itself.</summary>
internal sealed record PyGlobal(string Module, string Name)
{
    public override string ToString() => $"{Module}.{Name}";
}

/// <summary>A <c>torch.*Storage</c> class named in a persistent id: the element type of a storage.</summary>
internal sealed record StorageType(string Name, torch.ScalarType DType, int ElementSize);

/// <summary>A storage saved in the zip under <c>data/{Key}</c>, of <see cref="Numel"/> elements.</summary>
internal sealed record StorageRef(string Key, StorageType Type, long Numel, string Location);

/// <summary>A tensor to be made later from a view of a storage (not materialised until chosen).</summary>
internal sealed record TensorRef(StorageRef Storage, long Offset, long[] Size, long[] Stride);

/// <summary>
/// A class outside the allow-list that is not known to run code (e.g. <c>argparse.Namespace</c>, yacs' <c>CfgNode</c>):
/// recorded by name only, never imported.
/// </summary>
internal sealed record PyClassStub(string Module, string Name)
{
    public override string ToString() => $"{Module}.{Name}";
}

/// <summary>
/// An inert placeholder for an instance of a <see cref="PyClassStub"/>: its constructor arguments, BUILD state and
/// dict/list items are kept as plain data (never tensors) and nothing is constructed or called.
/// </summary>
internal sealed class PyObjectStub(PyClassStub type, PyTuple args)
{
    public PyClassStub Type { get; } = type;

    public PyTuple Args { get; } = args;

    public object? State { get; set; }

    public PyDict Items { get; } = new();

    public List<object?> ListItems { get; } = [];

    public override string ToString() => $"{Type} placeholder";
}
