using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FineTune.Vision.Imaging;
using FineTune.Vision.Models;

namespace FineTune.Vision.Weights;

/// <summary>
/// A Hugging Face model folder (<c>config.json</c> beside <c>model.safetensors</c>, its shards or
/// <c>pytorch_model.bin</c>), of either kind users download:
/// <list type="bullet">
/// <item>a timm hub folder (<c>timm/…</c> repositories; timm's <c>save_config_for_hf</c>): <c>architecture</c>,
/// <c>num_classes</c>, <c>model_args</c>, <c>pretrained_cfg</c>, <c>label_names</c>;</item>
/// <item>a transformers folder (<c>model_type</c> vit, deit, beit or swin; <c>id2label</c>; the optional
/// <c>preprocessor_config.json</c> gives mean, std, resample and size).</item>
/// </list>
/// The result names the registry architecture whose configuration matches (or the family's base architecture with the
/// folder's configuration), the class names and the preprocessing; the weights load through the usual key maps.
/// </summary>
internal sealed record HuggingFaceFolder(string Folder, ModelEntry Entry, ModelConfig Config, PretrainedConfig Pretrained,
    IReadOnlyList<string>? ClassNames, string Kind)
{
    public const string ConfigName = "config.json";
    public const string PreprocessorName = "preprocessor_config.json";

    /// <summary>Whether <paramref name="path"/> is a folder with a <c>config.json</c>.</summary>
    public static bool IsFolder(string path) => Directory.Exists(path) && File.Exists(Path.Combine(path, ConfigName));

    /// <summary>Reads <paramref name="folder"/>'s configuration files.</summary>
    /// <exception cref="WeightsFormatException">A file is malformed or names something the library does not build; the message names the file and key.</exception>
    public static HuggingFaceFolder Read(string folder)
    {
        string configPath = Path.Combine(folder, ConfigName);
        JsonObject root = ReadObject(configPath);
        try
        {
            return root.ContainsKey("architecture") ? FromTimm(folder, configPath, root) : FromTransformers(folder, configPath, root);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException or JsonException)
        {
            throw new WeightsFormatException(configPath, null, e.Message, e);
        }
    }

    private static HuggingFaceFolder FromTimm(string folder, string configPath, JsonObject root)
    {
        string architecture = Text(root, "architecture", configPath);
        var entry = ModelRegistry.Get(architecture);
        var overrides = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root["model_args"] is JsonObject args)
        {
            foreach (var (key, value) in args) overrides[key] = KwargText(value, configPath, $"model_args.{key}");
        }
        var config = entry.Config.WithOverrides(overrides);
        if (root["num_classes"] is JsonNode n) config = config with { NumClasses = Int(n, configPath, "num_classes") };
        config.Validate();

        var pretrained = entry.Pretrained;
        if (root["pretrained_cfg"] is JsonObject cfg)
        {
            pretrained = pretrained with
            {
                Tag = cfg["tag"]?.GetValue<string>() ?? pretrained.Tag,
                Mean = cfg["mean"] is JsonArray mean ? Doubles(mean, configPath, "pretrained_cfg.mean") : pretrained.Mean,
                Std = cfg["std"] is JsonArray std ? Doubles(std, configPath, "pretrained_cfg.std") : pretrained.Std,
                CropPct = cfg["crop_pct"] is JsonNode crop ? Double(crop, configPath, "pretrained_cfg.crop_pct") : pretrained.CropPct,
                Interpolation = cfg["interpolation"] is JsonNode interp ? PretrainedConfig.ParseInterpolation(interp.GetValue<string>()) : pretrained.Interpolation,
                FirstConv = cfg["first_conv"]?.GetValue<string>() ?? pretrained.FirstConv,
                Classifier = cfg["classifier"] switch
                {
                    JsonArray list => [.. list.Select(x => x!.GetValue<string>())],
                    JsonValue one => [one.GetValue<string>()],
                    _ => pretrained.Classifier,
                },
                FixedInputSize = cfg["fixed_input_size"]?.GetValue<bool>() ?? pretrained.FixedInputSize,
            };
        }
        // timm keeps pretrained_cfg.input_size at the registry's size when model_args change img_size; the model's input is img_size.
        pretrained = pretrained with { InputSize = [config.InChans, config.ImgSize, config.ImgSize], NumClasses = config.NumClasses };
        var names = root["label_names"] switch
        {
            JsonArray list => list.Select(x => x!.GetValue<string>()).ToList(),
            JsonObject map => Indexed(map, configPath, "label_names"),
            _ => null,
        };
        return new HuggingFaceFolder(folder, entry, config, pretrained, Checked(names, config, configPath, "label_names"), "timm hub folder");
    }

    private static HuggingFaceFolder FromTransformers(string folder, string configPath, JsonObject root)
    {
        string modelType = root["model_type"]?.GetValue<string>()
            ?? throw new WeightsFormatException(configPath, null,
                "config.json has neither 'architecture' (a timm hub folder) nor 'model_type' (a transformers folder).");
        var architectures = root["architectures"] is JsonArray a ? a.Select(x => x!.GetValue<string>()).ToList() : [];
        bool classifier = architectures.Count == 0 || architectures.Any(x => x.Contains("ForImageClassification", StringComparison.Ordinal));
        bool distilled = architectures.Any(x => x.EndsWith("WithTeacher", StringComparison.Ordinal));
        var names = root["id2label"] is JsonObject id2label ? Indexed(id2label, configPath, "id2label") : null;
        int numClasses = !classifier ? 0 : names?.Count ?? (root["num_labels"] is JsonNode nl ? Int(nl, configPath, "num_labels") : 2);

        int Get(string key) => Int(root[key] ?? throw Missing(configPath, key), configPath, key);
        int hidden = modelType == "swin" ? 0 : Get("hidden_size");
        bool qkvBias = root["qkv_bias"]?.GetValue<bool>() ?? true;
        ModelConfig config;
        string baseName;
        switch (modelType)
        {
            case "vit" or "deit":
                baseName = modelType == "vit" ? "vit_base_patch16_224" : distilled ? "deit_base_distilled_patch16_224" : "deit_base_patch16_224";
                config = (ModelRegistry.Get(baseName).Config as VitConfig)! with
                {
                    EmbedDim = hidden, Depth = Get("num_hidden_layers"), NumHeads = Get("num_attention_heads"),
                    MlpRatio = (double)Get("intermediate_size") / hidden, ImgSize = Get("image_size"), PatchSize = Get("patch_size"),
                    InChans = root["num_channels"] is JsonNode c ? Int(c, configPath, "num_channels") : 3, QkvBias = qkvBias,
                };
                break;
            case "beit":
                if (root["use_shared_relative_position_bias"]?.GetValue<bool>() == true)
                {
                    throw new WeightsFormatException(configPath, "use_shared_relative_position_bias",
                        "BEiT with one relative position bias shared by all layers (the self-supervised checkpoints) is not built by the library; " +
                        "timm's BEiT (and the fine-tuned *ForImageClassification checkpoints) have one table per layer.");
                }
                baseName = "beit_base_patch16_224";
                double layerScale = root["layer_scale_init_value"] is JsonNode ls ? Double(ls, configPath, "layer_scale_init_value") : 0.1;
                config = (ModelRegistry.Get(baseName).Config as BeitConfig)! with
                {
                    EmbedDim = hidden, Depth = Get("num_hidden_layers"), NumHeads = Get("num_attention_heads"),
                    MlpRatio = (double)Get("intermediate_size") / hidden, ImgSize = Get("image_size"), PatchSize = Get("patch_size"),
                    InChans = root["num_channels"] is JsonNode c2 ? Int(c2, configPath, "num_channels") : 3,
                    InitValues = layerScale > 0 ? layerScale : null,
                    UseAbsPosEmb = root["use_absolute_position_embeddings"]?.GetValue<bool>() ?? false,
                    UseRelPosBias = root["use_relative_position_bias"]?.GetValue<bool>() ?? false,
                    GlobalPool = root["use_mean_pooling"]?.GetValue<bool>() ?? true ? GlobalPool.Avg : GlobalPool.Token,
                };
                break;
            case "swin":
                baseName = "swin_tiny_patch4_window7_224";
                config = (ModelRegistry.Get(baseName).Config as SwinConfig)! with
                {
                    EmbedDim = Get("embed_dim"), Depths = Ints(root["depths"] ?? throw Missing(configPath, "depths"), configPath, "depths"),
                    NumHeads = Ints(root["num_heads"] ?? throw Missing(configPath, "num_heads"), configPath, "num_heads"),
                    WindowSize = Get("window_size"), ImgSize = Get("image_size"), PatchSize = Get("patch_size"),
                    MlpRatio = root["mlp_ratio"] is JsonNode m ? Double(m, configPath, "mlp_ratio") : 4.0,
                    InChans = root["num_channels"] is JsonNode c3 ? Int(c3, configPath, "num_channels") : 3, QkvBias = qkvBias,
                };
                break;
            default:
                throw new WeightsFormatException(configPath, "model_type",
                    $"model_type '{modelType}' is not one the library builds; transformers folders of vit, deit, beit and swin are read " +
                    "(other vision transformers: use the timm hub folder of the same model, e.g. timm/<architecture>.<tag>).");
        }
        config = config with { NumClasses = numClasses };
        config.Validate();
        var entry = Matching(config, baseName);
        var pretrained = Preprocessing(folder, entry.Pretrained, config);
        return new HuggingFaceFolder(folder, entry, config, pretrained, Checked(names, config, configPath, "id2label"), $"transformers {modelType} folder");
    }

    /// <summary>The registry architecture whose configuration equals <paramref name="config"/> up to the class count, else <paramref name="baseName"/>'s.</summary>
    private static ModelEntry Matching(ModelConfig config, string baseName)
    {
        var baseEntry = ModelRegistry.Get(baseName);
        bool distilled = baseName.Contains("distilled", StringComparison.Ordinal);
        string wanted = Canonical(config);
        foreach (string name in ModelRegistry.Names)
        {
            var e = ModelRegistry.Get(name);
            if (e.Config.GetType() == config.GetType() && name.Contains("distilled", StringComparison.Ordinal) == distilled
                && name.StartsWith(baseName[..baseName.IndexOf('_', StringComparison.Ordinal)], StringComparison.Ordinal)
                && Canonical(e.Config with { NumClasses = config.NumClasses }) == wanted)
            {
                return e;
            }
        }
        return baseEntry;
    }

    private static string Canonical(ModelConfig c) => JsonSerializer.Serialize(c, c.GetType(), ModelFileMetadata.Json);

    /// <summary>transformers' image processor (<c>preprocessor_config.json</c>) as timm's data configuration.</summary>
    private static PretrainedConfig Preprocessing(string folder, PretrainedConfig registry, ModelConfig config)
    {
        var result = registry with { InputSize = [config.InChans, config.ImgSize, config.ImgSize], NumClasses = config.NumClasses, Tag = "" , HfHubId = "" };
        string path = Path.Combine(folder, PreprocessorName);
        if (!File.Exists(path)) return result;
        var p = ReadObject(path);
        try
        {
            if (p["image_mean"] is JsonArray mean) result = result with { Mean = Doubles(mean, path, "image_mean") };
            if (p["image_std"] is JsonArray std) result = result with { Std = Doubles(std, path, "image_std") };
            if (p["resample"] is JsonNode r)
            {
                result = result with
                {
                    Interpolation = Int(r, path, "resample") switch   // PIL.Image.Resampling values
                    {
                        0 => Interpolation.Nearest,
                        2 => Interpolation.Bilinear,
                        3 => Interpolation.Bicubic,
                        int other => throw new WeightsFormatException(path, "resample",
                            $"PIL resampling filter {other} is not one the library implements (0 nearest, 2 bilinear, 3 bicubic)."),
                    },
                };
            }
            // size {height, width} resizes to that size; with do_center_crop a crop_size follows (DeiT: 256 then 224).
            int? resized = p["size"] switch
            {
                JsonObject s when s["height"] is JsonNode h => Int(h, path, "size.height"),
                JsonObject s when s["shortest_edge"] is JsonNode e => Int(e, path, "size.shortest_edge"),
                JsonValue v => Int(v, path, "size"),
                _ => null,
            };
            bool crop = p["do_center_crop"]?.GetValue<bool>() ?? false;
            int? cropped = p["crop_size"] switch
            {
                JsonObject s when s["height"] is JsonNode h => Int(h, path, "crop_size.height"),
                JsonValue v => Int(v, path, "crop_size"),
                _ => null,
            };
            if (p["crop_pct"] is JsonNode pct) result = result with { CropPct = Double(pct, path, "crop_pct") };
            else if (crop && resized is int rs && cropped is int cs) result = result with { CropPct = (double)cs / rs };
            else if (!crop && resized is not null) result = result with { CropPct = 1.0 };
            return result;
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or JsonException)
        {
            throw new WeightsFormatException(path, null, e.Message, e);
        }
    }

    private static IReadOnlyList<string>? Checked(List<string>? names, ModelConfig config, string path, string key)
    {
        if (names is null || config.NumClasses == 0) return null;
        if (names.Count != config.NumClasses)
        {
            throw new WeightsFormatException(path, key, $"{names.Count} class names for a classifier of {config.NumClasses} classes.");
        }
        return names;
    }

    private static JsonObject ReadObject(string path)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw new WeightsFormatException(path, null, "the file is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new WeightsFormatException(path, null, $"not valid JSON: {e.Message}", e);
        }
    }

    private static List<string> Indexed(JsonObject map, string path, string key)
    {
        var pairs = map.Select(kv => (Index: int.TryParse(kv.Key, NumberStyles.None, CultureInfo.InvariantCulture, out int i) ? i
                : throw new WeightsFormatException(path, key, $"key '{kv.Key}' is not a class index."), Name: kv.Value?.GetValue<string>() ?? ""))
            .OrderBy(p => p.Index).ToList();
        for (int i = 0; i < pairs.Count; i++)
        {
            if (pairs[i].Index != i) throw new WeightsFormatException(path, key, $"class indices must run 0..{pairs.Count - 1}; index {i} is missing.");
        }
        return [.. pairs.Select(p => p.Name)];
    }

    /// <summary>A JSON model_args value as the command-line kwarg text <see cref="ModelConfig.WithOverrides"/> parses.</summary>
    private static string KwargText(JsonNode? value, string path, string key) => value switch
    {
        null => "none",
        JsonArray list => string.Join(",", list.Select(x => KwargText(x, path, key))),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>() ? "true" : "false",
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.ToJsonString(),
        _ => throw new WeightsFormatException(path, key, $"value {value.ToJsonString()} is not a number, string, boolean or list."),
    };

    private static string Text(JsonObject o, string key, string path) =>
        o[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : throw Missing(path, key);

    private static int Int(JsonNode n, string path, string key) =>
        n is JsonValue v && v.TryGetValue(out int i) ? i
        : n is JsonValue d && d.TryGetValue(out double x) && x == Math.Floor(x) && Math.Abs(x) < int.MaxValue ? (int)x
        : throw new WeightsFormatException(path, key, $"expected an integer, found {n.ToJsonString()}.");

    private static double Double(JsonNode n, string path, string key) =>
        n is JsonValue v && v.TryGetValue(out double d) ? d : throw new WeightsFormatException(path, key, $"expected a number, found {n.ToJsonString()}.");

    private static IReadOnlyList<double> Doubles(JsonArray a, string path, string key) => [.. a.Select(x => Double(x!, path, key))];

    private static IReadOnlyList<int> Ints(JsonNode n, string path, string key) =>
        n is JsonArray a ? [.. a.Select(x => Int(x!, path, key))] : throw new WeightsFormatException(path, key, $"expected a list, found {n.ToJsonString()}.");

    private static WeightsFormatException Missing(string path, string key) => new(path, key, $"'{key}' is missing.");
}
