using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace FineTune.Vision.Adaptation;

/// <summary>
/// PEFT's <c>adapter_config.json</c> for LoRA (<c>peft/tuners/lora/config.py</c> <c>LoraConfig</c>, written by
/// <c>PeftConfigMixin.save_pretrained</c>: <c>json.dumps(to_dict(), indent=2, sort_keys=True)</c>, sets as lists).
/// </summary>
internal sealed record PeftAdapterConfig
{
    public const string FileName = "adapter_config.json";
    public const string WeightsFileName = "adapter_model.safetensors";

    public int Rank { get; init; }
    public double Alpha { get; init; }
    public double Dropout { get; init; }
    public bool UseRsLora { get; init; }

    /// <summary>A list (exact name or dotted suffix) or, when <see cref="TargetRegex"/> is set, null.</summary>
    public IReadOnlyList<string>? TargetModules { get; init; }

    /// <summary>A string <c>target_modules</c>: a regular expression that must match the whole module name.</summary>
    public string? TargetRegex { get; init; }

    public IReadOnlyList<string> ModulesToSave { get; init; } = [];
    public string? BaseModelNameOrPath { get; init; }
    public string? Revision { get; init; }

    /// <summary>Whether PEFT would adapt the module <paramref name="hfModule"/> (<c>check_target_module_exists</c>).</summary>
    public bool Targets(string hfModule) => TargetRegex is { } r
        ? Regex.IsMatch(hfModule, $"^(?:{r})$", RegexOptions.CultureInvariant)
        : TargetModules!.Any(t => hfModule == t || hfModule.EndsWith("." + t, StringComparison.Ordinal));

    /// <summary>Reads and checks a config: LoRA, and only the options the library's LoRA has.</summary>
    /// <exception cref="IOException">The file is missing, not JSON, not LoRA, or uses options the library cannot represent.</exception>
    public static PeftAdapterConfig Read(string folder)
    {
        string path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
            throw new FileNotFoundException($"'{folder}' has no {FileName}: a PEFT adapter folder holds {FileName} and {WeightsFileName} (PeftModel.save_pretrained).", path);
        JsonObject o;
        try
        {
            o = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new IOException($"'{path}' is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new IOException($"'{path}' is not valid JSON: {e.Message}", e);
        }
        List<string> errors = [];
        string? type = Str(o, "peft_type");
        if (type != "LORA") errors.Add($"peft_type is '{type ?? "(missing)"}'; only LORA adapters map onto the library's LoRA");
        if (Bool(o, "use_dora")) errors.Add("use_dora is true; DoRA's magnitude vectors have no counterpart here (train without DoRA)");
        if (Bool(o, "fan_in_fan_out")) errors.Add("fan_in_fan_out is true (Conv1D weights); the vision models use nn.Linear");
        if (Bool(o, "lora_bias")) errors.Add("lora_bias is true; the library's lora_B has no bias");
        if (Str(o, "bias") is { } bias and not "none") errors.Add($"bias is '{bias}'; only 'none' is supported (biases stay frozen)");
        foreach (string key in new[] { "rank_pattern", "alpha_pattern" })
            if (o[key] is JsonObject { Count: > 0 }) errors.Add($"{key} is set; every adapter must share r and lora_alpha");
        foreach (string key in new[] { "layer_replication", "target_parameters", "trainable_token_indices" })
            if (o[key] is JsonArray { Count: > 0 } or JsonObject { Count: > 0 }) errors.Add($"{key} is set; it has no counterpart here");
        if (o["target_modules"] is not (JsonArray or JsonValue)) errors.Add("target_modules is missing");
        if (errors.Count > 0)
            throw new IOException($"PEFT adapter config '{path}' cannot be loaded:\n  " + string.Join("\n  ", errors));
        return new PeftAdapterConfig
        {
            Rank = o["r"]?.GetValue<int>() ?? 8,
            Alpha = o["lora_alpha"]?.GetValue<double>() ?? 8,
            Dropout = o["lora_dropout"]?.GetValue<double>() ?? 0,
            UseRsLora = Bool(o, "use_rslora"),
            TargetModules = o["target_modules"] is JsonArray a ? a.Select(n => n!.GetValue<string>()).ToList() : null,
            TargetRegex = o["target_modules"] is JsonValue v ? v.GetValue<string>() : null,
            ModulesToSave = o["modules_to_save"] is JsonArray m ? m.Select(n => n!.GetValue<string>()).ToList() : [],
            BaseModelNameOrPath = Str(o, "base_model_name_or_path"),
            Revision = Str(o, "revision"),
        };
    }

    /// <summary>
    /// Writes the config with the LoRA fields every PEFT release since 0.9 reads (older releases refuse unknown fields;
    /// newer ones fill the rest with their defaults), keys sorted and indented by 2 as PEFT writes them.
    /// </summary>
    public void Write(string folder)
    {
        var o = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal)
        {
            ["alpha_pattern"] = new JsonObject(),
            ["auto_mapping"] = null,
            ["base_model_name_or_path"] = BaseModelNameOrPath,
            ["bias"] = "none",
            ["fan_in_fan_out"] = false,
            ["inference_mode"] = true,
            ["init_lora_weights"] = true,
            ["layers_pattern"] = null,
            ["layers_to_transform"] = null,
            ["lora_alpha"] = Alpha == Math.Floor(Alpha) && Math.Abs(Alpha) < int.MaxValue ? JsonValue.Create((int)Alpha) : JsonValue.Create(Alpha),
            ["lora_dropout"] = Dropout,
            ["modules_to_save"] = ModulesToSave.Count > 0 ? new JsonArray([.. ModulesToSave.Select(s => JsonValue.Create(s))]) : null,
            ["peft_type"] = "LORA",
            ["r"] = Rank,
            ["rank_pattern"] = new JsonObject(),
            ["revision"] = Revision,
            ["target_modules"] = TargetRegex is { } r ? JsonValue.Create(r) : new JsonArray([.. TargetModules!.Select(s => JsonValue.Create(s))]),
            ["task_type"] = null,
            ["use_dora"] = false,
            ["use_rslora"] = UseRsLora,
        };
        var root = new JsonObject();
        foreach (var (k, v) in o) root[k] = v;
        string json = root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        File.WriteAllText(Path.Combine(folder, FileName), json, new UTF8Encoding(false));
    }

    private static string? Str(JsonObject o, string key) => o[key] is JsonValue v && v.TryGetValue(out string? s) ? s : null;

    private static bool Bool(JsonObject o, string key) => o[key] is JsonValue v && v.TryGetValue(out bool b) && b;
}
