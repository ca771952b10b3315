using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace FineTune.Vision.Tests.Reliability;

/// <summary>
/// Deterministic hostile and broken safetensors files: lying length prefixes, bad JSON, non-object headers, duplicate
/// keys, unknown dtypes, out-of-range, reversed and overlapping offsets, sizes that do not match shapes, gigantic and
/// negative dimensions, and random byte flips and truncations of a valid file. Same seed, same files.
/// </summary>
internal static class SafeTensorsCorpus
{
    private static readonly string[] DTypes = ["F64", "F32", "F16", "BF16", "I64", "I32", "I16", "I8", "U8", "BOOL"];

    private static readonly string[] BadDTypes =
        ["F8_E4M3", "F8_E5M2", "U16", "U32", "U64", "C64", "f32", "float32", "", " F32", "F32 ", "F320", "\u0000", "BOOLEAN"];

    private static readonly string[] NonIntegers = ["1.5", "\"2\"", "true", "null", "1e30", "-0.0", "[]", "{}", "18446744073709551616"];

    /// <summary>About <paramref name="perCategory"/> cases in each of the categories.</summary>
    public static IEnumerable<FuzzCase> Generate(int seed, int perCategory)
    {
        var rng = new Random(seed);
        byte[] valid = Valid();
        for (int i = 0; i < perCategory; i++)
        {
            yield return Case($"st-prefix-{i}", WithPrefix(valid, Prefix(rng, valid.Length)), FuzzExpectation.LoadOrClearError);
            yield return Case($"st-json-{i}", File(BadJson(rng), new byte[16]), FuzzExpectation.ClearError);
            yield return Case($"st-entry-{i}", File(BadEntry(rng, out int dataLength), new byte[dataLength]), FuzzExpectation.ClearError);
            yield return Case($"st-flip-{i}", Flip(rng, valid, rng.Next(1, 9)), FuzzExpectation.LoadOrClearError);
            yield return Case($"st-cut-{i}", valid[..rng.Next(0, valid.Length)], FuzzExpectation.ClearError);
        }
        yield return Case("st-empty-header", File("{}", []), FuzzExpectation.LoadOrClearError);
        yield return Case("st-zero-bytes", [], FuzzExpectation.ClearError);
        yield return Case("st-duplicate-key", File(DuplicateKeys(), new byte[8]), FuzzExpectation.ClearError);
        yield return Case("st-deep-json", File($"{{\"__metadata__\": {new string('[', 5000)}{new string(']', 5000)}}}", []), FuzzExpectation.ClearError);
        yield return Case("st-invalid-utf8", File("{\"\u00ff\": 1}", []).Select(b => b == 0xC3 ? (byte)0xFF : b).ToArray(), FuzzExpectation.ClearError);
    }

    /// <summary>Three tensors and metadata, as <c>safetensors.torch.save_file</c> lays them out.</summary>
    public static byte[] Valid() => File(
        "{\"__metadata__\":{\"format\":\"pt\"},\"a\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}," +
        "\"b\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[24,40]},\"c\":{\"dtype\":\"U8\",\"shape\":[],\"data_offsets\":[40,41]}}",
        Enumerable.Range(0, 41).Select(i => (byte)i).ToArray());

    /// <summary>Length prefix, header padded to 8 bytes with spaces, then the data.</summary>
    public static byte[] File(string header, byte[] data)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        int padded = (json.Length + 7) / 8 * 8;
        var file = new byte[8 + padded + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)padded);
        json.CopyTo(file, 8);
        file.AsSpan(8 + json.Length, padded - json.Length).Fill((byte)' ');
        data.CopyTo(file, 8 + padded);
        return file;
    }

    private static FuzzCase Case(string name, byte[] bytes, FuzzExpectation expect) => new(name, bytes, ".safetensors", expect);

    private static ulong Prefix(Random rng, int fileLength) => rng.Next(8) switch
    {
        0 => 0,
        1 => (ulong)rng.Next(1, 8),
        2 => (ulong)(fileLength - 8 + rng.Next(1, 1 << 20)),
        3 => (ulong)rng.NextInt64(int.MaxValue, long.MaxValue),
        4 => ulong.MaxValue - (ulong)rng.Next(0, 16),
        5 => 100_000_001,
        6 => (ulong)rng.Next(8, fileLength - 8),
        _ => (ulong)fileLength - 8,
    };

    private static byte[] WithPrefix(byte[] valid, ulong prefix)
    {
        byte[] copy = [.. valid];
        BinaryPrimitives.WriteUInt64LittleEndian(copy, prefix);
        return copy;
    }

    private static string BadJson(Random rng)
    {
        string valid = "{\"a\":{\"dtype\":\"U8\",\"shape\":[16],\"data_offsets\":[0,16]}}";
        return rng.Next(7) switch
        {
            0 => valid[..rng.Next(1, valid.Length - 1)],
            1 => new[] { "[]", "1", "\"x\"", "null", "true", "[{}]", "-1" }[rng.Next(7)],
            2 => new string(Enumerable.Range(0, rng.Next(1, 64)).Select(_ => (char)rng.Next(32, 127)).ToArray()),
            3 => valid.Replace(':', rng.Next(2) == 0 ? ';' : ','),
            4 => "{\"__metadata__\":" + new[] { "[]", "1", "{\"k\":1}", "{\"k\":null}", "{\"k\":{}}", "\"s\"" }[rng.Next(6)] + "}",
            5 => "{\"a\":" + new[] { "1", "[]", "\"U8\"", "null", "{}", "{\"dtype\":\"U8\"}", "{\"dtype\":\"U8\",\"shape\":[16]}" }[rng.Next(7)] + "}",
            _ => valid + new[] { "x", "}", ",", "{}" }[rng.Next(4)],
        };
    }

    private static string BadEntry(Random rng, out int dataLength)
    {
        string dtype = DTypes[rng.Next(DTypes.Length)];
        int size = dtype switch { "F64" or "I64" => 8, "F32" or "I32" => 4, "F16" or "BF16" or "I16" => 2, _ => 1 };
        int n = rng.Next(1, 9);
        dataLength = n * size * 2;
        string shape = $"[{n}]", offsets = $"[0,{n * size}]";
        switch (rng.Next(10))
        {
            case 0: offsets = $"[0,{dataLength + rng.Next(1, 1000)}]"; break;                             // beyond the data
            case 1: offsets = $"[{n * size},{rng.Next(0, n * size)}]"; break;                             // reversed
            case 2: return "{" + Entry("a", dtype, shape, offsets) + "," + Entry("b", dtype, shape, $"[{rng.Next(0, n * size)},{rng.Next(0, n * size) + n * size}]") + "}"; // overlap
            case 3: dtype = BadDTypes[rng.Next(BadDTypes.Length)]; break;
            case 4: shape = $"[{n + rng.Next(1, 5)}]"; break;                                              // size mismatch
            case 5: shape = Gigantic(rng); break;
            case 6: shape = $"[{-rng.Next(1, 100)}]"; offsets = "[0,0]"; break;                           // negative dim
            case 7: shape = $"[{NonIntegers[rng.Next(NonIntegers.Length)]}]"; break;
            case 8: offsets = new[] { "[0]", "[0,1,2]", "[]", "[-8,0]", "[0,-1]", "0", "null", "[0,9223372036854775807]" }[rng.Next(8)]; break;
            default: shape = "[" + string.Join(",", Enumerable.Repeat("1", 33 + rng.Next(100))) + "]"; offsets = $"[0,{size}]"; break;
        }
        return "{" + Entry("a", dtype, shape, offsets) + "}";
    }

    private static string Gigantic(Random rng) => rng.Next(4) switch
    {
        0 => "[2147483648,2147483648,2147483648]",
        1 => $"[{long.MaxValue}]",
        2 => $"[{1L << 62},4]",
        _ => string.Create(CultureInfo.InvariantCulture, $"[{rng.NextInt64(1L << 20, 1L << 40)},{rng.NextInt64(1L << 20, 1L << 40)}]"),
    };

    private static string Entry(string name, string dtype, string shape, string offsets) =>
        $"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":{shape},\"data_offsets\":{offsets}}}";

    private static string DuplicateKeys() =>
        "{" + Entry("a", "U8", "[8]", "[0,8]") + "," + Entry("a", "U8", "[4]", "[0,4]") + "}";

    /// <summary>A copy of <paramref name="bytes"/> with <paramref name="count"/> random bytes replaced.</summary>
    public static byte[] Flip(Random rng, byte[] bytes, int count)
    {
        byte[] copy = [.. bytes];
        for (int i = 0; i < count && copy.Length > 0; i++) copy[rng.Next(copy.Length)] = (byte)rng.Next(256);
        return copy;
    }
}
