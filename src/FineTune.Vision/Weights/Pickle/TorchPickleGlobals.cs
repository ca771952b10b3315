using System.Text;
using TorchSharp;

namespace FineTune.Vision.Weights.Pickle;

/// <summary>
/// The only Python names a state dict pickle may refer to, each interpreted here (never imported or called):
/// <c>collections.OrderedDict</c>, <c>torch._utils._rebuild_tensor(_v2)</c>, <c>torch._utils._rebuild_parameter(_with_state)</c>,
/// the <c>torch.*Storage</c> classes and <c>_codecs.encode</c> (how protocol 2 spells bytes).
/// Per torch/serialization.py and torch/_utils.py. Names that could run code (<see cref="IsRefused"/>: <c>os</c>,
/// <c>subprocess</c>, <c>builtins</c>, <c>copyreg</c>, <c>functools</c>, any other <c>torch</c> or <c>numpy</c> name, ...)
/// throw <see cref="UnsafeCheckpointException"/>; any other class (<c>argparse.Namespace</c>, yacs' <c>CfgNode</c>,
/// Lightning's <c>AttributeDict</c>) becomes an inert <see cref="PyObjectStub"/> that may hold plain data but no tensor.
/// </summary>
internal sealed class TorchPickleGlobals(string path, PickleBudget budget)
{
    /// <summary>The most dimensions a tensor may have (libtorch's own limit is 64).</summary>
    private const int MaxRank = 64;

    private static readonly Dictionary<string, (torch.ScalarType DType, int Size)> Storages = new(StringComparer.Ordinal)
    {
        ["DoubleStorage"] = (torch.ScalarType.Float64, 8),
        ["FloatStorage"] = (torch.ScalarType.Float32, 4),
        ["HalfStorage"] = (torch.ScalarType.Float16, 2),
        ["BFloat16Storage"] = (torch.ScalarType.BFloat16, 2),
        ["LongStorage"] = (torch.ScalarType.Int64, 8),
        ["IntStorage"] = (torch.ScalarType.Int32, 4),
        ["ShortStorage"] = (torch.ScalarType.Int16, 2),
        ["CharStorage"] = (torch.ScalarType.Int8, 1),
        ["ByteStorage"] = (torch.ScalarType.Byte, 1),
        ["BoolStorage"] = (torch.ScalarType.Bool, 1),
        ["UntypedStorage"] = (torch.ScalarType.Byte, 1),
    };

    private static readonly HashSet<string> Callables = new(StringComparer.Ordinal)
    {
        "collections.OrderedDict",
        "torch._utils._rebuild_tensor",
        "torch._utils._rebuild_tensor_v2",
        "torch._utils._rebuild_parameter",
        "torch._utils._rebuild_parameter_with_state",
        "_codecs.encode",
    };

    /// <summary>Modules whose names are refused outright: they can run code, import, or rebuild arbitrary objects.</summary>
    private static readonly HashSet<string> RefusedModules = new(StringComparer.Ordinal)
    {
        "os", "posix", "nt", "subprocess", "sys", "shutil", "builtins", "__builtin__", "__main__", "copyreg", "copy_reg",
        "functools", "operator", "types", "pickle", "_pickle", "marshal", "runpy", "importlib", "imp", "ctypes", "code",
        "codeop", "pty", "socket", "webbrowser", "io", "_io", "multiprocessing", "asyncio", "threading", "signal", "inspect",
        "pydoc", "timeit", "collections", "numpy", "torch", "dill", "cloudpickle", "joblib", "platform", "tempfile", "glob",
        "pathlib", "urllib", "http", "requests", "yaml", "jinja2", "exec", "eval",
    };

    private readonly Dictionary<string, StorageRef> _storages = new(StringComparer.Ordinal);

    /// <summary>The storages named by persistent ids so far, by key.</summary>
    public IReadOnlyDictionary<string, StorageRef> NamedStorages => _storages;

    /// <summary>Resolves GLOBAL/STACK_GLOBAL; refuses anything not listed, before it could be used.</summary>
    public object Find(string module, string name)
    {
        string full = $"{module}.{name}";
        if (Callables.Contains(full))
        {
            return new PyGlobal(module, name);
        }
        if ((module == "torch" || module == "torch.storage") && Storages.TryGetValue(name, out var s))
        {
            return new StorageType(name, s.DType, s.Size);
        }
        if (IsRefused(module, name))
        {
            throw new UnsafeCheckpointException(path, full);
        }
        return new PyClassStub(module, name);
    }

    /// <summary>
    /// Whether a global is refused by name: empty or malformed names, dunder names, and every name in a module that
    /// can run code or rebuild arbitrary objects (<see cref="RefusedModules"/>, including submodules such as
    /// <c>os.path</c>, <c>torch.serialization</c> or <c>numpy.core.multiarray</c>).
    /// </summary>
    internal static bool IsRefused(string module, string name)
    {
        if (module.Length == 0 || name.Length == 0 || name.StartsWith("__", StringComparison.Ordinal)
            || !(IsIdentifierPath(module) && IsIdentifierPath(name)))
        {
            return true;
        }
        int dot = module.IndexOf('.', StringComparison.Ordinal);
        string root = dot < 0 ? module : module[..dot];
        return RefusedModules.Contains(root)
            || name is "system" or "popen" or "eval" or "exec" or "compile" or "getattr" or "setattr" or "open" or "load" or "loads";
    }

    private static bool IsIdentifierPath(string s) =>
        s.Split('.').All(part => part.Length > 0 && !char.IsDigit(part[0]) && part.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'));

    /// <summary>REDUCE/NEWOBJ: applies an allowed callable to its arguments, by interpretation.</summary>
    public object? Call(object? callable, PyTuple args)
    {
        if (callable is PyClassStub stub)
        {
            RefuseTensors(args, $"the arguments of {stub}");
            return new PyObjectStub(stub, args);
        }
        if (callable is not PyGlobal g)
        {
            throw Error($"a call of a {callable?.GetType().Name ?? "None"} value, which is not an allowed callable");
        }
        switch (g.ToString())
        {
            case "collections.OrderedDict":
                return MakeOrderedDict(args);
            case "torch._utils._rebuild_tensor":
            case "torch._utils._rebuild_tensor_v2":
                return RebuildTensor(args);
            case "torch._utils._rebuild_parameter":
            case "torch._utils._rebuild_parameter_with_state":
                return args.Count >= 1 && args[0] is TensorRef data ? data : throw Error($"{g} without a tensor argument");
            default:
                if (args.Count < 1 || args[0] is not string text) throw Error("_codecs.encode without a string argument");
                budget.Charge(text.Length, "_codecs.encode");
                return Encoding.Latin1.GetBytes(text);
        }
    }

    /// <summary>
    /// BUILD: state on an OrderedDict (its <c>_metadata</c>) or a tensor is dropped; on a placeholder it is kept as
    /// plain data (and refused if it holds a tensor); anything else is refused.
    /// </summary>
    public void Build(object? target, object? state)
    {
        if (target is PyObjectStub stub)
        {
            RefuseTensors(state, $"the state of {stub}");
            stub.State = state;
            return;
        }
        if (target is not (PyDict or TensorRef))
        {
            throw Error($"BUILD on a {target?.GetType().Name ?? "None"} value");
        }
    }

    /// <summary>
    /// BINPERSID: <c>('storage', storage_type, key, location, numel)</c> as written by torch.save, or the legacy
    /// format's <c>(..., numel, None)</c> (storage views of the pre-1.6 format, with view metadata, are refused).
    /// </summary>
    public StorageRef PersistentLoad(object? pid)
    {
        if (pid is PyTuple { Count: 6 } legacy && legacy[5] is not null)
        {
            throw Error("a legacy storage view (view metadata in the persistent id), which is not supported");
        }
        if (pid is not PyTuple { Count: 5 or 6 } t || t[0] as string != "storage" || t[1] is not StorageType type
            || t[2] is not string key || t[4] is not long numel || numel < 0)
        {
            throw Error("a persistent id that is not ('storage', torch.XStorage, key, location, numel)");
        }
        if (_storages.TryGetValue(key, out var known))
        {
            return known;
        }
        var storage = new StorageRef(key, type, numel, t[3] as string ?? "cpu");
        _storages[key] = storage;
        return storage;
    }

    private PyDict MakeOrderedDict(PyTuple args)
    {
        var dict = new PyDict();
        if (args.Count == 1 && args[0] is List<object?> pairs)
        {
            budget.Charge(pairs.Count, "OrderedDict(items)");
            foreach (var pair in pairs)
            {
                if (pair is not PyTuple { Count: 2 } kv || kv[0] is null)
                {
                    throw Error("OrderedDict(items) with an item that is not a (key, value) pair");
                }
                dict.Set(kv[0]!, kv[1]);
            }
        }
        else if (args.Count != 0)
        {
            throw Error($"OrderedDict called with {args.Count} arguments");
        }
        return dict;
    }

    private TensorRef RebuildTensor(PyTuple args)
    {
        if (args.Count < 4 || args[0] is not StorageRef storage || args[1] is not long offset
            || args[2] is not PyTuple size || args[3] is not PyTuple stride || size.Count != stride.Count)
        {
            throw Error("_rebuild_tensor_v2 with arguments other than (storage, offset, size, stride, ...)");
        }
        if (size.Count > MaxRank)
        {
            throw Error($"a tensor of {size.Count} dimensions (at most {MaxRank} are supported)");
        }
        budget.Charge(2 * size.Count, "tensor sizes and strides");
        return new TensorRef(storage, offset, ToLongs(size), ToLongs(stride));
    }

    /// <summary>Refuses a placeholder's data that holds a tensor or storage: placeholders never carry weights.</summary>
    public void RefuseTensors(object? value, string where)
    {
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<object?>();
        pending.Push(value);
        while (pending.Count > 0)
        {
            object? item = pending.Pop();
            if (item is null || item is string || item.GetType().IsPrimitive || !seen.Add(item))
            {
                continue;
            }
            budget.Charge(1, "placeholder data");
            switch (item)
            {
                case TensorRef or StorageRef:
                    throw Error($"a tensor inside {where}, a class outside the allow-list that is kept only as inert data");
                case PyTuple t: foreach (var x in t.Items) pending.Push(x); break;
                case List<object?> l: foreach (var x in l) pending.Push(x); break;
                case PyDict d: foreach (var kv in d.Items) pending.Push(kv.Value); break;
                case PyObjectStub o: pending.Push(o.Args); pending.Push(o.State); pending.Push(o.Items); pending.Push(o.ListItems); break;
            }
        }
    }

    private long[] ToLongs(PyTuple tuple) =>
        tuple.Items.Select(x => x is long v ? v : throw Error("a tensor size or stride that is not an integer")).ToArray();

    private WeightsFormatException Error(string problem) =>
        new(path, null, $"the pickle (data.pkl) holds {problem}; only state dicts of tensors can be read.");
}
