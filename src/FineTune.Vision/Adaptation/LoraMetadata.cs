using System.Globalization;
using System.Text.Json;
using FineTune.Vision.Weights;

namespace FineTune.Vision.Adaptation;

/// <summary>The <c>__metadata__</c> of adapter files: format, base model, rank, alpha, dropout, rsLoRA, targets, saved modules.</summary>
internal static class LoraMetadata
{
    public const string Format = "finetune.vision.lora";
    public const string Version = "1";

    public static Dictionary<string, string> From(string baseModel, LoraOptions o)
    {
        var c = CultureInfo.InvariantCulture;
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["format"] = Format,
            ["format_version"] = Version,
            ["base_model"] = baseModel,
            ["rank"] = o.Rank.ToString(c),
            ["alpha"] = o.Alpha.ToString("R", c),
            ["dropout"] = o.Dropout.ToString("R", c),
            ["use_rslora"] = o.UseRsLora ? "true" : "false",
            ["targets"] = JsonSerializer.Serialize(o.Targets.Select(t => t.ToString()).ToArray()),
            ["modules_to_save"] = JsonSerializer.Serialize(o.ModulesToSave.Select(p => p.ToString()).ToArray()),
        };
    }

    public static LoraOptions ToOptions(IReadOnlyDictionary<string, string> m, string path)
    {
        if (!m.TryGetValue("format", out string? format) || format != Format)
            throw new CheckpointMismatchException($"'{path}' is not a FineTune.Vision LoRA adapter file: metadata 'format' is '{format ?? "(missing)"}', expected '{Format}'. Save adapters with LoraAdapters.Save.");
        try
        {
            var c = CultureInfo.InvariantCulture;
            return new LoraOptions
            {
                Rank = int.Parse(m["rank"], c),
                Alpha = double.Parse(m["alpha"], c),
                Dropout = double.Parse(m["dropout"], c),
                UseRsLora = m["use_rslora"] == "true",
                Targets = JsonSerializer.Deserialize<string[]>(m["targets"])!.Select(LoraTarget.Parse).ToList(),
                ModulesToSave = JsonSerializer.Deserialize<string[]>(m["modules_to_save"])!
                    .Select(s => s.StartsWith("regex:", StringComparison.Ordinal) ? NamePattern.Regex(s[6..]) : NamePattern.Glob(s)).ToList(),
            };
        }
        catch (Exception e) when (e is KeyNotFoundException or FormatException or JsonException)
        {
            throw new CheckpointMismatchException($"'{path}': LoRA metadata is incomplete or malformed ({e.Message}).");
        }
    }
}
