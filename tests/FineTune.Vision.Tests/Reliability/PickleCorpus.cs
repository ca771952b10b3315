namespace FineTune.Vision.Tests.Reliability;

/// <summary>
/// Deterministic hostile and broken torch.save checkpoints: every one of the 256 opcode bytes, dangerous globals (by
/// GLOBAL and STACK_GLOBAL), REDUCE on non-callables, nesting and stack bombs, amplification through the memo, lying
/// lengths, huge storages and views, and truncated or corrupted zips. Same seed, same files.
/// </summary>
internal static class PickleCorpus
{
    /// <summary>Globals a pickle could use to run code or touch the system; each must be refused by name.</summary>
    public static readonly (string Module, string Name)[] Dangerous =
    [
        ("os", "system"), ("posix", "system"), ("nt", "system"), ("os", "execv"), ("os", "popen"), ("os", "remove"),
        ("subprocess", "Popen"), ("subprocess", "check_output"), ("subprocess", "run"), ("builtins", "eval"),
        ("builtins", "exec"), ("builtins", "compile"), ("builtins", "open"), ("builtins", "getattr"), ("builtins", "__import__"),
        ("__builtin__", "eval"), ("__builtin__", "apply"), ("shutil", "rmtree"), ("pickle", "loads"), ("runpy", "_run_code"),
        ("webbrowser", "open"), ("sys", "exit"), ("types", "FunctionType"), ("torch", "load"), ("torch.serialization", "load"),
        ("torch.storage", "_load_from_bytes"), ("torch._utils", "_rebuild_device_tensor_from_numpy"), ("torch.nn.modules.linear", "Linear"),
        ("numpy.core.multiarray", "_reconstruct"), ("numpy", "ndarray"), ("collections", "defaultdict"), ("collections", "Counter"),
        ("torch", "FloatTensor"), ("torch._tensor", "_rebuild_from_type_v2"), ("functools", "partial"), ("operator", "attrgetter"),
        ("", "eval"), ("os", ""), ("torch._utils ", "_rebuild_tensor_v2"), ("torch._utils", "_rebuild_tensor_v3"),
    ];

    /// <summary>
    /// About <paramref name="perCategory"/> randomised cases per category (a quarter as many of the large bombs, of up to
    /// <paramref name="maxOps"/> opcodes), plus the fixed sweeps.
    /// </summary>
    public static IEnumerable<FuzzCase> Generate(int seed, int perCategory, string markerPath, int maxOps)
    {
        var rng = new Random(seed);
        byte[] valid = TorchZip.Valid();
        for (int op = 0; op < 256; op++)
        {
            byte[] tail = [.. Enumerable.Range(0, 8).Select(_ => (byte)rng.Next(256))];
            yield return Pth($"pth-opcode-{op:x2}", new PickleWriter().Proto().Op(op).Raw(tail).Stop(), FuzzExpectation.ClearError);
            yield return Pth($"pth-opcode-in-dict-{op:x2}", new PickleWriter().Proto().Op('}').Mark().Str("k").Op(op).Raw(tail).Op('u').Stop(), FuzzExpectation.ClearError);
        }
        foreach (var (module, name) in Dangerous)
        {
            string full = $"{module}.{name}";
            yield return Unsafe($"pth-global-{full}", new PickleWriter().Proto().Global(module, name).Mark().Str($"touch {markerPath}").Tuple().Reduce().Stop(), full);
            yield return Unsafe($"pth-stack-global-{full}", new PickleWriter().Proto().StackGlobal(module, name).Str($"touch {markerPath}").Op(0x85).Reduce().Stop(), full);
            yield return Unsafe($"pth-global-in-dict-{full}", new PickleWriter().Proto().Op('}').Str("w").Global(module, name).Op(')').Reduce().Op('s').Stop(), full);
        }
        foreach (var (name, push) in NonCallables())
            yield return Pth($"pth-reduce-on-{name}", push(new PickleWriter().Proto()).Op(')').Reduce().Stop(), FuzzExpectation.ClearError);
        for (int i = 0; i < perCategory; i++)
        {
            if (i % 4 == 0)
            {
                yield return Pth($"pth-bomb-{i}", Bomb(rng, maxOps), FuzzExpectation.ClearError);
                yield return Pth($"pth-amplify-{i}", Amplify(rng, maxOps), FuzzExpectation.ClearError);
            }
            yield return Pth($"pth-length-{i}", LyingLength(rng), FuzzExpectation.ClearError);
            yield return new($"pth-storage-{i}", HugeStorage(rng), ".pth", FuzzExpectation.ClearError);
            yield return new($"pth-view-{i}", RandomView(rng), ".pth", FuzzExpectation.LoadOrClearError);
            yield return new($"pth-cut-{i}", valid[..rng.Next(0, valid.Length)], ".pth", FuzzExpectation.ClearError);
            yield return new($"pth-flip-{i}", SafeTensorsCorpus.Flip(rng, valid, rng.Next(1, 9)), ".pth", FuzzExpectation.LoadOrClearError);
            yield return new($"pth-directory-{i}", FlipDirectory(rng, valid), ".pth", FuzzExpectation.LoadOrClearError);
            yield return new($"pth-pickle-flip-{i}", TorchZip.Build(SafeTensorsCorpus.Flip(rng, TorchZip.ValidPickle(), rng.Next(1, 5)), TorchZip.ValidStorages()), ".pth", FuzzExpectation.LoadOrClearError);
        }
        foreach (var fixedCase in Structural(valid)) yield return fixedCase;
    }

    private static FuzzCase Pth(string name, PickleWriter pickle, FuzzExpectation expect) => new(name, TorchZip.Wrap(pickle.ToArray()), ".pth", expect);

    private static FuzzCase Unsafe(string name, PickleWriter pickle, string global) =>
        new(name, TorchZip.Wrap(pickle.ToArray()), ".pth", FuzzExpectation.Unsafe, global);

    private static IEnumerable<(string, Func<PickleWriter, PickleWriter>)> NonCallables() =>
    [
        ("string", p => p.Str("os.system")), ("int", p => p.Int(7)), ("none", p => p.Op('N')), ("dict", p => p.Op('}')),
        ("list", p => p.Op(']')), ("tuple", p => p.Op(')')), ("bytes", p => p.Op('C').Raw(1).Raw(0)), ("float", p => p.Op('G').Raw(new byte[8])),
        ("storage-class", p => p.Global("torch", "FloatStorage")), ("true", p => p.Op(0x88)),
        ("tensor", p => p.Tensor("FloatStorage", "0", 1, 0, [1], [1])),
    ];

    private static PickleWriter Bomb(Random rng, int maxOps)
    {
        int n = rng.Next(maxOps / 10, maxOps);
        var p = new PickleWriter().Proto();
        return (rng.Next(6) switch
        {
            0 => p.Repeat(n, w => w.Op(']')).Repeat(n - 1, w => w.Op('a')),           // lists nested n deep
            1 => p.Op(')').Repeat(n, w => w.Op(0x85)),                                // tuples nested n deep
            2 => p.Repeat(n, w => w.Mark()),                                          // marks without end
            3 => p.Op(']').Repeat(n, w => w.Op('2')),                                 // DUP
            4 => p.Op('}').Put(0).Repeat(n, w => w.Str("k").Get(0).Op('s')),          // a dict inside itself, n times
            _ => p.Op(']').Put(0).Get(0).Op('a').Repeat(n, w => w.Op('}').Put(1).Str("x").Get(0).Op('s').Op(0x85)),
        }).Stop();
    }

    /// <summary>A large value memoized once and reused by a few bytes each time: cost must stay proportional to the file.</summary>
    private static PickleWriter Amplify(Random rng, int maxOps)
    {
        int n = rng.Next(maxOps / 10, maxOps / 2), uses = rng.Next(maxOps / 10, maxOps / 2);
        var p = new PickleWriter().Proto();
        switch (rng.Next(4))
        {
            case 0:                                                                   // a huge tuple as a dict key
                p.Mark().Repeat(n, w => w.Int(1)).Tuple().Put(0).Op('0').Op('}').Repeat(uses, w => w.Get(0).Op('N').Op('s'));
                break;
            case 1:                                                                   // OrderedDict(huge list), again and again
                p.Op(']').Mark().Repeat(n, w => w.Int(1).Int(2).Op(0x86)).Op('e').Put(0).Op('0').Op(']')
                 .Repeat(uses, w => w.Global("collections", "OrderedDict").Get(0).Op(0x85).Reduce().Op('a'));
                break;
            case 2:                                                                   // _codecs.encode(huge string), again and again
                p.Str(new string('a', n * 4)).Put(0).Op('0').Op(']')
                 .Repeat(uses, w => w.Global("_codecs", "encode").Get(0).Str("latin1").Op(0x86).Reduce().Op('a'));
                break;
            default:                                                                  // a huge size tuple in many tensors
                p.Mark().Repeat(n, w => w.Int(0)).Tuple().Put(0).Op('0').Op('}')
                 .Repeat(uses, w => w.Str("t").Global("torch._utils", "_rebuild_tensor_v2").Mark()
                     .Mark().Str("storage").Global("torch", "FloatStorage").Str("0").Str("cpu").Int(1).Tuple().Op('Q')
                     .Int(0).Get(0).Get(0).Tuple().Reduce().Op('s'));
                break;
        }
        return p.Stop();
    }

    private static PickleWriter LyingLength(Random rng)
    {
        var p = new PickleWriter().Proto().Op('}').Str("k");
        uint big = (uint)rng.NextInt64(1 << 16, uint.MaxValue);
        switch (rng.Next(9))
        {
            case 0: p.Op('X').UInt32(big); break;                                     // BINUNICODE
            case 1: p.Op(0x8d).Raw(BitConverter.GetBytes(rng.NextInt64(long.MinValue, long.MaxValue))); break; // BINUNICODE8
            case 2: p.Op(0x8b).UInt32(big); break;                                    // LONG4
            case 3: p.Op(0x8b).UInt32((uint)rng.Next(int.MinValue, 0)); break;        // LONG4 negative
            case 4: p.Op('B').UInt32(big); break;                                     // BINBYTES
            case 5: p.Op(0x95).Raw(BitConverter.GetBytes(rng.NextInt64())); break;   // FRAME
            case 6: p.Op('T').UInt32(big); break;                                     // BINSTRING
            case 7: p.Op('j').UInt32(big); break;                                     // LONG_BINGET unset
            default: p.Op(0x8e).Raw(BitConverter.GetBytes(-rng.NextInt64(1, long.MaxValue))); break; // BINBYTES8 negative
        }
        return p.Raw([.. Enumerable.Range(0, rng.Next(0, 64)).Select(_ => (byte)rng.Next(256))]).Op('s').Stop();
    }

    private static byte[] HugeStorage(Random rng) => rng.Next(6) switch
    {
        0 => TorchZip.OneTensor("FloatStorage", rng.NextInt64(1L << 30, long.MaxValue), 0, [1], [1], 4),            // numel beyond the file
        1 => TorchZip.OneTensor("DoubleStorage", long.MaxValue / 4, 0, [1], [1], 8),                               // bytes overflow
        2 => TorchZip.OneTensor("FloatStorage", 1, 0, [rng.NextInt64(1L << 30, 1L << 50)], [0], 4),                // expanded view bomb
        3 => TorchZip.OneTensor("FloatStorage", 1, 0, [1L << 32, 1L << 32], [0, 0], 4),                            // numel overflow
        4 => TorchZip.OneTensor("FloatStorage", 4, 0, [2, 2], [2, 1], 4),                                          // storage shorter than numel
        _ => TorchZip.OneTensor("FloatStorage", -rng.NextInt64(1, long.MaxValue), 0, [1], [1], 4),                // negative numel
    };

    private static byte[] RandomView(Random rng)
    {
        int rank = rng.Next(0, 4);
        long[] size = [.. Enumerable.Range(0, rank).Select(_ => rng.NextInt64(-1, 6))];
        long[] stride = [.. Enumerable.Range(0, rank).Select(_ => rng.NextInt64(-1, 8))];
        long numel = rng.Next(0, 40);
        return TorchZip.OneTensor("FloatStorage", numel, rng.NextInt64(-1, 10), size, stride, (int)numel * 4);
    }

    private static byte[] FlipDirectory(Random rng, byte[] valid)
    {
        int eocd = valid.Length - 22;
        int directory = BitConverter.ToInt32(valid, eocd + 16);
        byte[] copy = [.. valid];
        for (int i = rng.Next(1, 5); i > 0; i--) copy[rng.Next(directory, copy.Length)] = (byte)rng.Next(256);
        return copy;
    }

    private static IEnumerable<FuzzCase> Structural(byte[] valid)
    {
        yield return new("pth-zero-bytes", [], ".pth", FuzzExpectation.ClearError);
        yield return new("pth-not-a-zip", [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 31))], ".pth", FuzzExpectation.ClearError);
        yield return new("pth-empty-zip", TorchZip.Build([], [], includePickle: false), ".pth", FuzzExpectation.ClearError);
        yield return new("pth-no-storage", TorchZip.Build(TorchZip.ValidPickle(), []), ".pth", FuzzExpectation.ClearError);
        yield return new("pth-big-endian", TorchZip.Build(TorchZip.ValidPickle(), TorchZip.ValidStorages(), byteOrder: "big"), ".pth", FuzzExpectation.ClearError);
        yield return new("pth-top-level-list", TorchZip.Wrap(new PickleWriter().Proto().Op(']').Stop().ToArray()), ".pth", FuzzExpectation.ClearError);
        yield return new("pth-top-level-none", TorchZip.Wrap(new PickleWriter().Proto().Op('N').Stop().ToArray()), ".pth", FuzzExpectation.ClearError);
        yield return new("pth-bad-persistent-id", TorchZip.Wrap(new PickleWriter().Proto().Op('}').Str("t").Str("storage").Op('Q').Op('s').Stop().ToArray()), ".pth", FuzzExpectation.ClearError);
        yield return new("pth-no-stop", TorchZip.Wrap(new PickleWriter().Proto().Op('}').ToArray()), ".pth", FuzzExpectation.ClearError);
        yield return new("pth-valid", valid, ".pth", FuzzExpectation.LoadOrClearError);
    }
}
