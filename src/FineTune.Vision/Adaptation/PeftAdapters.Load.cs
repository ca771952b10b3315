using System.Text.RegularExpressions;
using FineTune.Vision.Models;
using FineTune.Vision.Weights;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Adaptation;

internal static partial class PeftAdapters
{
    private const string LoraA = ".lora_A.weight";
    private const string LoraB = ".lora_B.weight";

    public static LoraAdapters Load(IVisionModel model, string folder)
    {
        var config = PeftAdapterConfig.Read(folder);
        var layout = PeftLayout.For(model);
        string path = Path.Combine(folder, PeftAdapterConfig.WeightsFileName);
        if (!File.Exists(path))
            throw new FileNotFoundException($"'{folder}' has {PeftAdapterConfig.FileName} but no {PeftAdapterConfig.WeightsFileName} (adapter_model.bin is not read; save with safe_serialization=True).", path);
        CheckTargetModules(config, layout, path);
        var (entries, _) = SafeTensors.ReadHeader(path);
        var linears = model.Module.named_modules().Where(m => layout.Linears.Contains(m.name)).ToDictionary(m => m.name, m => (Linear)m.module, StringComparer.Ordinal);
        var parameters = model.Module.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        var lora = new SortedDictionary<string, SortedDictionary<int, string>>(StringComparer.Ordinal);
        var saved = new Dictionary<string, string>(StringComparer.Ordinal);
        List<string> problems = [];
        foreach (var (key, _, shape) in entries)
        {
            string? problem = key.StartsWith(KeyPrefix, StringComparison.Ordinal)
                ? Classify(key, shape, config, layout, linears, parameters, lora, saved)
                : $"key '{key}' lacks PEFT's '{KeyPrefix}' prefix (is this a PEFT adapter_model.safetensors?)";
            if (problem is not null) problems.Add(problem);
        }
        foreach (var (module, parts) in lora)
            foreach (var (part, hf) in parts)
                foreach (string k in new[] { LoraA, LoraB }.Where(s => !entries.Any(e => e.Name == KeyPrefix + hf + s)))
                    problems.Add($"missing key '{KeyPrefix}{hf}{k}' (its pair is present)");
        if (lora.Count == 0) problems.Add("no lora_A / lora_B tensors");
        if (problems.Count > 0)
            throw new IOException($"PEFT adapter '{folder}' does not fit '{model.Name}':\n  " + string.Join("\n  ", problems.Take(8))
                + (problems.Count > 8 ? $"\n  (and {problems.Count - 8} more)" : ""));
        var options = new LoraOptions
        {
            Rank = config.Rank, Alpha = config.Alpha, Dropout = config.Dropout, UseRsLora = config.UseRsLora,
            Targets = Targets(layout, lora.ToDictionary(p => p.Key, p => Parts(p.Key, p.Value.Keys), StringComparer.Ordinal)),
            ModulesToSave = saved.Keys.Select(p => p[..p.LastIndexOf('.')]).Distinct().Select(m => NamePattern.Regex(Regex.Escape(m))).ToList(),
        };
        var adapters = Lora.Apply(model, options);
        using var file = SafeTensors.Load(path);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        foreach (var (name, a) in adapters.Adapters)
        {
            int slice = 0;
            foreach (var (part, hf) in lora[name])
            {
                Tensor fa = file[KeyPrefix + hf + LoraA], fb = file[KeyPrefix + hf + LoraB];
                (part < 0 ? a.A.weight! : a.A.weight!.narrow(0, slice * a.Rank, a.Rank)).copy_(fa);
                (part < 0 ? a.B.weight! : a.B.weight!.narrow(0, slice * fb.shape[0], fb.shape[0])).copy_(fb);
                slice++;
            }
        }
        foreach (var (name, key) in saved) parameters[name].copy_(file[key]);
        return adapters;
    }

    private static string? Classify(string key, long[] shape, PeftAdapterConfig config, PeftLayout layout, Dictionary<string, Linear> linears,
        Dictionary<string, Parameter> parameters, SortedDictionary<string, SortedDictionary<int, string>> lora, Dictionary<string, string> saved)
    {
        string rest = key[KeyPrefix.Length..];
        bool isA = rest.EndsWith(LoraA, StringComparison.Ordinal), isB = rest.EndsWith(LoraB, StringComparison.Ordinal);
        if (isA || isB)
        {
            string hf = rest[..^LoraA.Length];
            if (layout.FromHf(hf) is not { } target || !linears.TryGetValue(target.Module, out var linear))
                return $"key '{key}': '{hf}' is not a Linear module of the Hugging Face layout of '{layout.Model.Name}' ({Expected(layout)})";
            if (!config.Targets(hf)) return $"key '{key}': '{hf}' is not among target_modules [{string.Join(", ", config.TargetModules ?? [config.TargetRegex!])}]";
            long outF = linear.weight!.shape[0] / (target.Part >= 0 ? 3 : 1), inF = linear.weight!.shape[1];
            long[] want = isA ? [config.Rank, inF] : [outF, config.Rank];
            if (!shape.SequenceEqual(want))
                return $"key '{key}': shape [{string.Join(", ", shape)}], expected [{string.Join(", ", want)}] for r = {config.Rank} on '{target.Module}'"
                    + (shape.Length == 2 && shape[isA ? 0 : 1] != config.Rank ? $" (rank mismatch: the tensor has rank {shape[isA ? 0 : 1]}, adapter_config.json says r = {config.Rank})" : "");
            if (!lora.TryGetValue(target.Module, out var parts)) lora[target.Module] = parts = [];
            parts[target.Part] = hf;
            return null;
        }
        if (rest.Contains(".lora_", StringComparison.Ordinal) || rest.Contains(".magnitude", StringComparison.Ordinal))
            return $"key '{key}': an adapter tensor the library's LoRA does not have (only lora_A.weight and lora_B.weight)";
        int dot = rest.LastIndexOf('.');
        if (dot <= 0) return $"key '{key}': not a module parameter";
        string hfModule = rest[..dot];
        if (!config.ModulesToSave.Any(m => hfModule.EndsWith(m, StringComparison.Ordinal)))
            return $"key '{key}': not an adapter tensor and '{hfModule}' is not among modules_to_save [{string.Join(", ", config.ModulesToSave)}]";
        string? name = layout.FromHf(hfModule) is { Part: -1 } m2 ? m2.Module + rest[dot..] : null;
        if (name is null || !parameters.TryGetValue(name, out var p))
            return $"key '{key}': modules_to_save tensor with no parameter in '{layout.Model.Name}' (mapped to '{name ?? "(nothing)"}')";
        if (!p.shape.SequenceEqual(shape))
            return $"key '{key}' → '{name}': file shape [{string.Join(", ", shape)}], model shape [{string.Join(", ", p.shape)}]"
                + (name.StartsWith("head", StringComparison.Ordinal) ? $"; the adapter was trained with {shape[0]} classes: call model.ResetClassifier({shape[0]}) first" : "");
        saved[name] = key;
        return null;
    }

    private static void CheckTargetModules(PeftAdapterConfig config, PeftLayout layout, string path)
    {
        var hf = layout.HfLinears().Select(l => l.Hf).ToList();
        var unknown = config.TargetRegex is { } r
            ? (hf.Any(config.Targets) ? [] : new List<string> { r })
            : config.TargetModules!.Where(t => !hf.Any(m => m == t || m.EndsWith("." + t, StringComparison.Ordinal))).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"target_modules of '{path}' name modules that the Hugging Face layout of '{layout.Model.Name}' does not have: "
                + $"{string.Join(", ", unknown.Select(u => $"'{u}'"))}. Its modules are {Expected(layout)}; was the adapter trained on another architecture?");
    }

    private static string Expected(PeftLayout layout)
    {
        var names = layout.HfLinears().Select(l => l.Hf).ToList();
        return string.Join(", ", names.Take(6)) + (names.Count > 6 ? ", …" : "");
    }

    private static QkvParts? Parts(string module, IEnumerable<int> parts) =>
        parts.Contains(-1) ? null : parts.Aggregate((QkvParts)0, (acc, p) => acc | (QkvParts)(1 << p));

    /// <summary>One glob per module kind (<c>blocks.*.attn.qkv[q,v]</c>) when it covers exactly the adapted modules, else exact names.</summary>
    private static List<LoraTarget> Targets(PeftLayout layout, Dictionary<string, QkvParts?> adapted)
    {
        List<LoraTarget> targets = [];
        foreach (var group in adapted.GroupBy(p => (Glob: string.Join('.', p.Key.Split('.').Select(s => s.All(char.IsAsciiDigit) ? "*" : s)), p.Value)))
        {
            var pattern = NamePattern.Glob(group.Key.Glob);
            bool covers = layout.Linears.Where(pattern.IsMatch).All(n => adapted.TryGetValue(n, out var parts) && parts == group.Key.Value);
            if (covers) targets.Add(new LoraTarget(pattern, group.Key.Value));
            else targets.AddRange(group.Select(p => new LoraTarget(NamePattern.Regex(Regex.Escape(p.Key)), p.Value)));
        }
        return targets;
    }
}
