using System.Numerics;
using FineTune.Vision.Weights;
using static TorchSharp.torch;

namespace FineTune.Vision.Adaptation;

/// <summary>
/// PEFT adapter folders (<c>adapter_config.json</c> + <c>adapter_model.safetensors</c>, keys
/// <c>base_model.model.&lt;Hugging Face module&gt;.lora_A.weight</c> as <c>get_peft_model_state_dict</c> writes them) ⇄
/// the library's fused-qkv LoRA. A PEFT adapter on <c>query</c> / <c>key</c> / <c>value</c> is the q / k / v slice of a
/// <see cref="LoraLinear"/> on timm's <c>qkv</c> (<see cref="LoraLinear.FusedParts"/>): its lora_A is that slice's r rows
/// of A, its lora_B that slice's rows of B. A LoRA on the whole <c>qkv</c> is exported as three adapters sharing A.
/// </summary>
internal static partial class PeftAdapters
{
    public const string KeyPrefix = "base_model.model.";

    public static void Save(LoraAdapters adapters, string folder, PeftExportOptions options)
    {
        var layout = PeftLayout.For(adapters.Model, options.BaseModelPrefix);
        var tensors = new List<KeyValuePair<string, Tensor>>();
        var adapted = new HashSet<string>(StringComparer.Ordinal);
        using var scope = NewDisposeScope();
        foreach (var (name, a) in adapters.Adapters)
        {
            Tensor aw = a.A.weight!.detach(), bw = a.B.weight!.detach();
            int r = a.Rank;
            if (a.FusedParts is null && !name.EndsWith("qkv", StringComparison.Ordinal))
            {
                Add(layout.ToHf(name), aw, bw);
                continue;
            }
            long d = bw.shape[0] / (a.FusedParts is { } fp ? BitOperations.PopCount((uint)fp) : 3), row = 0;
            for (int part = 0, slice = 0; part < 3; part++)
            {
                if (a.FusedParts is { } parts && !parts.HasFlag((QkvParts)(1 << part))) continue;
                Add(layout.ToHf(name, part), a.FusedParts is null ? aw : aw.narrow(0, slice++ * r, r), bw.narrow(0, row, d));
                row += d;
            }
        }
        var saved = adapters.SavedModuleParameters.ToDictionary(p => p, layout.ParameterToHf, StringComparer.Ordinal);
        var parameters = adapters.Model.Module.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        foreach (var (timm, hf) in saved) tensors.Add(new(KeyPrefix + hf, parameters[timm].detach()));
        Directory.CreateDirectory(folder);
        SafeTensors.Save(Path.Combine(folder, PeftAdapterConfig.WeightsFileName), tensors, new Dictionary<string, string> { ["format"] = "pt" });
        new PeftAdapterConfig
        {
            Rank = adapters.Options.Rank,
            Alpha = adapters.Options.Alpha,
            Dropout = adapters.Options.Dropout,
            UseRsLora = adapters.Options.UseRsLora,
            TargetModules = TargetModules(layout, adapted),
            ModulesToSave = saved.Values.Select(k => k[..k.LastIndexOf('.')]).Distinct().Order(StringComparer.Ordinal).ToList(),
            BaseModelNameOrPath = options.BaseModelNameOrPath,
            Revision = options.Revision,
        }.Write(folder);

        void Add(string hf, Tensor a, Tensor b)
        {
            adapted.Add(hf);
            tensors.Add(new($"{KeyPrefix}{hf}.lora_A.weight", a));
            tensors.Add(new($"{KeyPrefix}{hf}.lora_B.weight", b));
        }
    }

    /// <summary>
    /// The shortest dotted suffixes that name exactly the adapted modules under PEFT's matching (a name equals a target or
    /// ends with <c>"." + target</c>): <c>query</c>, <c>value</c> when every block's q and v are adapted.
    /// </summary>
    private static List<string> TargetModules(PeftLayout layout, HashSet<string> adapted)
    {
        var all = layout.HfLinears().Select(l => l.Hf).ToList();
        var targets = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string hf in adapted)
        {
            if (targets.Any(t => Matches(hf, t))) continue;
            string[] parts = hf.Split('.');
            for (int n = 1; n <= parts.Length; n++)
            {
                string suffix = string.Join('.', parts[^n..]);
                if (all.Where(m => Matches(m, suffix)).All(adapted.Contains))
                {
                    targets.Add(suffix);
                    break;
                }
            }
        }
        return [.. targets];
    }

    private static bool Matches(string module, string target) => module == target || module.EndsWith("." + target, StringComparison.Ordinal);
}
