using System.Text.Json;
using TorchSharp;

namespace FineTune.Vision.Weights;

/// <summary>One tensor's entry in a safetensors header; offsets are relative to the start of the data section.</summary>
internal sealed record SafeTensorsEntry(string Name, torch.ScalarType DType, int ElementSize, long[] Shape, long Begin, long End);

/// <summary>Parses and strictly validates a safetensors header against the size of its file.</summary>
internal static class SafeTensorsHeader
{
    /// <summary>The largest header accepted (the reference implementation's limit).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    /// <summary>Checks the 8-byte length prefix against the file size before anything is allocated.</summary>
    public static void CheckLength(string path, ulong headerLength, long fileLength)
    {
        if (headerLength > MaxHeaderBytes)
        {
            throw new WeightsFormatException(path, null,
                $"the header length prefix says {headerLength} bytes, more than the {MaxHeaderBytes}-byte limit " +
                "of safetensors; the file is corrupt or not a safetensors file.");
        }
        if ((long)headerLength > fileLength - 8)
        {
            throw new WeightsFormatException(path, null,
                $"the header length prefix says {headerLength} bytes but only {fileLength - 8} follow it; " +
                "the file is truncated or not a safetensors file.");
        }
    }

    /// <summary>Parses the JSON header; every offset is checked against <paramref name="dataLength"/>.</summary>
    public static (List<SafeTensorsEntry> Entries, Dictionary<string, string> Metadata) Parse(
        string path, ReadOnlyMemory<byte> json, long dataLength)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw new WeightsFormatException(path, null, $"the header is not valid JSON ({e.Message}).", e);
        }
        using (doc)
        {
            try
            {
                return ParseRoot(path, doc.RootElement, dataLength);
            }
            catch (InvalidOperationException e)
            {
                // JsonElement throws this for names and strings that are not valid UTF-8.
                throw new WeightsFormatException(path, null, $"the header holds text that is not valid UTF-8 ({e.Message}).", e);
            }
        }
    }

    private static (List<SafeTensorsEntry> Entries, Dictionary<string, string> Metadata) ParseRoot(
        string path, JsonElement root, long dataLength)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new WeightsFormatException(path, null, $"the header must be a JSON object, found {root.ValueKind}.");
        }
        var entries = new List<SafeTensorsEntry>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            if (!seen.Add(property.Name))
            {
                throw new WeightsFormatException(path, property.Name, "the key appears twice in the header.");
            }
            if (property.Name == "__metadata__")
            {
                ReadMetadata(path, property.Value, metadata);
                continue;
            }
            entries.Add(ReadEntry(path, property.Name, property.Value, dataLength));
        }
        CheckNoOverlap(path, entries);
        return (entries, metadata);
    }

    private static void ReadMetadata(string path, JsonElement element, Dictionary<string, string> metadata)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new WeightsFormatException(path, "__metadata__", $"must be an object of strings, found {element.ValueKind}.");
        }
        foreach (var item in element.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
            {
                throw new WeightsFormatException(path, "__metadata__",
                    $"value of '{item.Name}' must be a string, found {item.Value.ValueKind}.");
            }
            metadata[item.Name] = item.Value.GetString()!;
        }
    }

    private static SafeTensorsEntry ReadEntry(string path, string name, JsonElement e, long dataLength)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            throw new WeightsFormatException(path, name, $"the entry must be an object, found {e.ValueKind}.");
        }
        if (!e.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
        {
            throw new WeightsFormatException(path, name, "the entry has no \"dtype\" string.");
        }
        string dtypeName = dtypeElement.GetString()!;
        if (!SafeTensorsDType.TryParse(dtypeName, out var dtype, out int size))
        {
            throw new WeightsFormatException(path, name,
                $"dtype '{dtypeName}' is not supported (supported: {SafeTensorsDType.Supported}).");
        }
        long[] shape = ReadInts(path, name, e, "shape", -1);
        long[] offsets = ReadInts(path, name, e, "data_offsets", 2);
        var (begin, end) = (offsets[0], offsets[1]);
        if (begin > end || end > dataLength)
        {
            throw new WeightsFormatException(path, name,
                $"data_offsets [{begin}, {end}] lie outside the {dataLength}-byte data section (file truncated?).");
        }
        long expected = ByteLength(path, name, shape, size);
        if (expected != end - begin)
        {
            throw new WeightsFormatException(path, name,
                $"dtype {dtypeName} x shape [{string.Join(", ", shape)}] needs {expected} bytes but data_offsets span {end - begin}.");
        }
        return new SafeTensorsEntry(name, dtype, size, shape, begin, end);
    }

    private static long[] ReadInts(string path, string name, JsonElement e, string field, int requiredCount)
    {
        if (!e.TryGetProperty(field, out var array) || array.ValueKind != JsonValueKind.Array)
        {
            throw new WeightsFormatException(path, name, $"the entry has no \"{field}\" array.");
        }
        var values = new List<long>();
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long v) || v < 0)
            {
                throw new WeightsFormatException(path, name, $"\"{field}\" must hold non-negative integers, found {item.GetRawText()}.");
            }
            values.Add(v);
        }
        if (requiredCount >= 0 && values.Count != requiredCount)
        {
            throw new WeightsFormatException(path, name, $"\"{field}\" must hold {requiredCount} integers, found {values.Count}.");
        }
        if (values.Count > 32)
        {
            throw new WeightsFormatException(path, name, $"\"{field}\" has {values.Count} dimensions; at most 32 are supported.");
        }
        return [.. values];
    }

    private static long ByteLength(string path, string name, long[] shape, int elementSize)
    {
        try
        {
            long n = elementSize;
            foreach (long d in shape)
            {
                n = checked(n * d);
            }
            return n;
        }
        catch (OverflowException)
        {
            throw new WeightsFormatException(path, name, $"shape [{string.Join(", ", shape)}] is too large to address.");
        }
    }

    private static void CheckNoOverlap(string path, List<SafeTensorsEntry> entries)
    {
        var sorted = entries.Where(x => x.End > x.Begin).OrderBy(x => x.Begin).ToList();
        for (int i = 1; i < sorted.Count; i++)
        {
            if (sorted[i].Begin < sorted[i - 1].End)
            {
                throw new WeightsFormatException(path, sorted[i].Name,
                    $"its bytes [{sorted[i].Begin}, {sorted[i].End}) overlap those of '{sorted[i - 1].Name}' " +
                    $"[{sorted[i - 1].Begin}, {sorted[i - 1].End}).");
            }
        }
    }
}
