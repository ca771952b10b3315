using System.Text.Json;

namespace FineTune.Vision.Weights;

/// <summary>
/// Sharded safetensors as Hugging Face writes them: <c>model.safetensors.index.json</c> holds a <c>weight_map</c> from
/// tensor names to shard files in the same folder; each shard is read with <see cref="SafeTensors.Load"/>, taking only
/// the names the index assigns to it.
/// </summary>
internal static class ShardedSafeTensors
{
    public const string IndexName = "model.safetensors.index.json";

    public static StateDict Load(string indexPath)
    {
        string folder = Path.GetDirectoryName(Path.GetFullPath(indexPath))!;
        var map = ReadWeightMap(indexPath);
        var result = new StateDict { SourcePath = indexPath, Format = WeightsFormat.SafeTensors };
        try
        {
            foreach (var shard in map.GroupBy(kv => kv.Value, kv => kv.Key, StringComparer.Ordinal))
            {
                string shardPath = ShardPath(indexPath, folder, shard.Key);
                var wanted = new HashSet<string>(shard, StringComparer.Ordinal);
                using var part = SafeTensors.Load(shardPath, wanted.Contains);
                var absent = wanted.Where(k => !part.ContainsKey(k)).ToList();
                if (absent.Count > 0)
                {
                    throw new WeightsFormatException(indexPath, absent[0], $"the index assigns {absent.Count} tensors to '{shard.Key}' that it does not hold: {string.Join(", ", absent.Take(4))}.");
                }
                foreach (string key in part.Keys.ToList())
                {
                    result.Add(key, part.Take(key));
                }
            }
        }
        catch
        {
            result.Dispose();
            throw;
        }
        result.Notes.Add($"read {map.Values.Distinct(StringComparer.Ordinal).Count()} safetensors shards through '{Path.GetFileName(indexPath)}'");
        return result;
    }

    private static Dictionary<string, string> ReadWeightMap(string indexPath)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(indexPath));
            if (!doc.RootElement.TryGetProperty("weight_map", out var weightMap) || weightMap.ValueKind != JsonValueKind.Object)
            {
                throw new WeightsFormatException(indexPath, null, "the index has no 'weight_map' object (tensor name -> shard file).");
            }
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var p in weightMap.EnumerateObject())
            {
                map[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()!
                    : throw new WeightsFormatException(indexPath, p.Name, "its weight_map entry is not a file name.");
            }
            return map.Count > 0 ? map : throw new WeightsFormatException(indexPath, null, "the index's weight_map is empty.");
        }
        catch (JsonException e)
        {
            throw new WeightsFormatException(indexPath, null, $"the index is not valid JSON ({e.Message}).", e);
        }
    }

    private static string ShardPath(string indexPath, string folder, string shard)
    {
        if (shard.Length == 0 || Path.IsPathRooted(shard) || shard.Contains('/', StringComparison.Ordinal)
            || shard.Contains('\\', StringComparison.Ordinal) || shard.Contains("..", StringComparison.Ordinal))
        {
            throw new WeightsFormatException(indexPath, null, $"the shard name '{shard}' is not a plain file name in the index's folder.");
        }
        string path = Path.Combine(folder, shard);
        return File.Exists(path) ? path : throw new WeightsFormatException(indexPath, null, $"the shard '{shard}' is missing from '{folder}'.");
    }
}
