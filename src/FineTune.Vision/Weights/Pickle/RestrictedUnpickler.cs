namespace FineTune.Vision.Weights.Pickle;

/// <summary>
/// A pickle interpreter (protocols 2 to 5, the binary opcodes) that builds plain values and never imports or
/// calls anything: every GLOBAL is resolved by <see cref="TorchPickleGlobals"/>, which knows the handful of torch
/// and collections names a state dict needs and refuses all others before anything happens.
/// Checked against CPython's Lib/pickle.py opcode table.
/// </summary>
internal sealed class RestrictedUnpickler
{
    private const int MaxStack = 1 << 22;
    private readonly PickleReader _in;
    private readonly TorchPickleGlobals _globals;
    private readonly List<object?> _stack = [];
    private readonly List<int> _marks = [];
    private readonly Dictionary<long, object?> _memo = [];
    private readonly PickleBudget _budget;

    /// <summary>An unpickler over <paramref name="data"/>, starting at byte <paramref name="start"/>.</summary>
    public RestrictedUnpickler(string path, byte[] data, int start = 0)
    {
        _in = new PickleReader(path, data, start);
        _budget = new PickleBudget(path, data.Length);
        _globals = new TorchPickleGlobals(path, _budget);
    }

    /// <summary>The byte after the last one read (after STOP once <see cref="Load"/> returns).</summary>
    public int Position => _in.Position;

    /// <summary>The storages the pickle's persistent ids named, by key.</summary>
    public IReadOnlyDictionary<string, StorageRef> Storages => _globals.NamedStorages;

    /// <summary>Interprets the pickle up to STOP and returns the top-level value.</summary>
    public object? Load()
    {
        while (true)
        {
            int at = _in.Position;
            byte op = _in.ReadByte();
            if (op == (byte)'.')
            {
                return _stack.Count == 1 ? _stack[0] : throw _in.Error($"STOP with {_stack.Count} values on the stack");
            }
            if (!(Literal(op) || Container(op) || Memo(op) || Call(op)))
            {
                throw _in.Error($"opcode 0x{op:x2} ('{(char)op}') at byte {at} is not supported in a state dict");
            }
            if (_stack.Count > MaxStack)
            {
                throw _in.Error($"the stack grew beyond {MaxStack} values");
            }
        }
    }

    private bool Literal(byte op)
    {
        switch (op)
        {
            case 0x80: _in.ReadByte(); return true;                       // PROTO
            case 0x95: _in.ReadInt64(); return true;                      // FRAME (the framing is advisory)
            case (byte)'N': Push(null); return true;                      // NONE
            case 0x88: Push(true); return true;                           // NEWTRUE
            case 0x89: Push(false); return true;                          // NEWFALSE
            case (byte)'J': Push((long)_in.ReadInt32()); return true;     // BININT
            case (byte)'K': Push((long)_in.ReadByte()); return true;      // BININT1
            case (byte)'M': Push((long)_in.ReadUInt16()); return true;    // BININT2
            case 0x8a: Push(_in.ReadLong(_in.ReadByte())); return true;   // LONG1
            case 0x8b: Push(_in.ReadLong(_in.ReadInt32())); return true;  // LONG4
            case (byte)'G': Push(_in.ReadFloat64BigEndian()); return true; // BINFLOAT
            case (byte)'X': Push(_in.ReadUtf8(_in.ReadUInt32())); return true;     // BINUNICODE
            case 0x8c: Push(_in.ReadUtf8(_in.ReadByte())); return true;            // SHORT_BINUNICODE
            case 0x8d: Push(_in.ReadUtf8(_in.ReadInt64())); return true;           // BINUNICODE8
            case (byte)'T': Push(_in.ReadLatin1(_in.ReadInt32())); return true;    // BINSTRING (Python 2 str)
            case (byte)'U': Push(_in.ReadLatin1(_in.ReadByte())); return true;     // SHORT_BINSTRING
            case (byte)'B': Push(_in.ReadSpan(_in.ReadUInt32()).ToArray()); return true; // BINBYTES
            case (byte)'C': Push(_in.ReadSpan(_in.ReadByte()).ToArray()); return true;   // SHORT_BINBYTES
            case 0x8e: Push(_in.ReadSpan(_in.ReadInt64()).ToArray()); return true;       // BINBYTES8
            case 0x96: Push(_in.ReadSpan(_in.ReadInt64()).ToArray()); return true;       // BYTEARRAY8
            default: return false;
        }
    }

    private bool Container(byte op)
    {
        switch (op)
        {
            case (byte)'(': _marks.Add(_stack.Count); return true;        // MARK
            case (byte)'}': Push(new PyDict()); return true;              // EMPTY_DICT
            case (byte)']': Push(new List<object?>()); return true;       // EMPTY_LIST
            case (byte)')': Push(new PyTuple([])); return true;           // EMPTY_TUPLE
            case 0x8f: Push(new List<object?>()); return true;            // EMPTY_SET
            case (byte)'t': Push(new PyTuple([.. PopMark()])); return true;   // TUPLE
            case 0x85: Push(new PyTuple(PopN(1))); return true;           // TUPLE1
            case 0x86: Push(new PyTuple(PopN(2))); return true;           // TUPLE2
            case 0x87: Push(new PyTuple(PopN(3))); return true;           // TUPLE3
            case (byte)'l': Push(PopMark()); return true;                 // LIST
            case 0x91: Push(PopMark()); return true;                      // FROZENSET
            case (byte)'d': Push(ToDict(PopMark())); return true;         // DICT
            case (byte)'a': Append([Pop()]); return true;                 // APPEND
            case (byte)'e': case 0x90: Append(PopMark()); return true;    // APPENDS, ADDITEMS
            case (byte)'s': SetItems([.. PopN(2)]); return true;          // SETITEM
            case (byte)'u': SetItems(PopMark()); return true;             // SETITEMS
            case (byte)'0': Pop(); return true;                           // POP
            case (byte)'1': PopMark(); return true;                       // POP_MARK
            case (byte)'2': Push(Peek()); return true;                    // DUP
            default: return false;
        }
    }

    private bool Memo(byte op)
    {
        switch (op)
        {
            case (byte)'q': _memo[_in.ReadByte()] = Peek(); return true;   // BINPUT
            case (byte)'r': _memo[_in.ReadUInt32()] = Peek(); return true; // LONG_BINPUT
            case 0x94: _memo[_memo.Count] = Peek(); return true;           // MEMOIZE
            case (byte)'h': Push(Recall(_in.ReadByte())); return true;     // BINGET
            case (byte)'j': Push(Recall(_in.ReadUInt32())); return true;   // LONG_BINGET
            default: return false;
        }
    }

    private bool Call(byte op)
    {
        switch (op)
        {
            case (byte)'c':                                                // GLOBAL
                string module = _in.ReadLine();
                Push(_globals.Find(module, _in.ReadLine()));
                return true;
            case 0x93:                                                     // STACK_GLOBAL
                var name = Pop() as string ?? throw _in.Error("STACK_GLOBAL needs a string name");
                Push(_globals.Find(Pop() as string ?? throw _in.Error("STACK_GLOBAL needs a string module"), name));
                return true;
            case (byte)'R': case 0x81:                                     // REDUCE, NEWOBJ
                var args = Pop() as PyTuple ?? throw _in.Error("REDUCE/NEWOBJ needs an argument tuple");
                Push(_globals.Call(Pop(), args));
                return true;
            case (byte)'b':                                                // BUILD
                var state = Pop();
                _globals.Build(Peek(), state);
                return true;
            case (byte)'Q':                                                // BINPERSID
                Push(_globals.PersistentLoad(Pop()));
                return true;
            default:
                return false;                                              // INST, OBJ, EXT*, text opcodes: refused
        }
    }

    private void Append(List<object?> items)
    {
        if (Peek() is PyObjectStub stub)
        {
            _globals.RefuseTensors(items, $"the items of {stub}");
            stub.ListItems.AddRange(items);
            return;
        }
        if (Peek() is not List<object?> list)
        {
            throw _in.Error($"APPEND(S) onto a {Peek()?.GetType().Name ?? "None"}, not a list");
        }
        list.AddRange(items);
    }

    private void SetItems(List<object?> pairs)
    {
        if (Peek() is PyObjectStub stub)
        {
            _globals.RefuseTensors(pairs, $"the items of {stub}");
            Fill(stub.Items, pairs);
            return;
        }
        if (Peek() is not PyDict dict)
        {
            throw _in.Error($"SETITEM(S) onto a {Peek()?.GetType().Name ?? "None"}, not a dict");
        }
        Fill(dict, pairs);
    }

    private PyDict ToDict(List<object?> pairs)
    {
        var dict = new PyDict();
        Fill(dict, pairs);
        return dict;
    }

    private void Fill(PyDict dict, List<object?> pairs)
    {
        if (pairs.Count % 2 != 0)
        {
            throw _in.Error("a dict was given an odd number of keys and values");
        }
        for (int i = 0; i < pairs.Count; i += 2)
        {
            dict.Set(HashKey(pairs[i]), pairs[i + 1]);
        }
    }

    private object HashKey(object? key) => key switch
    {
        string or long or bool or double => key,
        null => "None",
        PyTuple t => TupleKey(t),
        _ => throw _in.Error($"a dict key of type {key.GetType().Name} is not supported"),
    };

    private string TupleKey(PyTuple t)
    {
        _budget.Charge(t.Count + t.Items.Sum(x => x is string s ? s.Length : 1), "a tuple used as a dict key");
        return string.Join("\u0001", t.Items.Select(x => x?.ToString() ?? "None"));
    }

    private object? Recall(long index) =>
        _memo.TryGetValue(index, out var value) ? value : throw _in.Error($"memo entry {index} is read before it is written");

    private void Push(object? value) => _stack.Add(value);

    private object? Peek() => _stack.Count > 0 ? _stack[^1] : throw _in.Error("the stack is empty");

    private object? Pop()
    {
        var value = Peek();
        _stack.RemoveAt(_stack.Count - 1);
        return value;
    }

    private object?[] PopN(int n)
    {
        if (_stack.Count < n)
        {
            throw _in.Error($"{n} values are needed but the stack holds {_stack.Count}");
        }
        var items = _stack.GetRange(_stack.Count - n, n).ToArray();
        _stack.RemoveRange(_stack.Count - n, n);
        return items;
    }

    private List<object?> PopMark()
    {
        if (_marks.Count == 0)
        {
            throw _in.Error("an opcode needs a MARK but none is set");
        }
        int start = _marks[^1];
        _marks.RemoveAt(_marks.Count - 1);
        var items = _stack.GetRange(start, _stack.Count - start);
        _stack.RemoveRange(start, _stack.Count - start);
        return items;
    }
}
