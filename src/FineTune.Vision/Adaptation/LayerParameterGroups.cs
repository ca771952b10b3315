using FineTune.Vision.Models;
using TorchSharp.Modules;

namespace FineTune.Vision.Adaptation;

/// <summary>
/// Optimizer parameter groups over a model's layer groups (stem, each block, final norm, head): timm's layer-wise
/// learning-rate decay (<c>param_groups_layer_decay</c>), fastai's discriminative rates (<c>slice(lo, hi)</c>) and
/// explicit per-group scales. Each layer group is split as timm does into a decay group and a <c>/no_decay</c> group
/// (1-D parameters and the model's <see cref="IVisionModel.NoWeightDecay"/>); empty groups are left out. Scales are
/// relative to the optimizer's base rate, which should be the head's rate.
/// </summary>
public static class LayerParameterGroups
{
    /// <summary>
    /// timm's layer decay (<c>param_groups_layer_decay</c>), equal to real timm's assignment for the five families and Swin V2: the
    /// layers are numbered as timm's <c>group_matcher(coarse=False)</c> does — the layer groups in order, except that the
    /// final norm (the group named <c>norm</c>) shares the last block's layer, as timm's <c>(r'^norm', (99999,))</c> puts
    /// it — and layer <c>i</c> of <c>n</c> gets <c>decay^(n − 1 − i)</c>, so the head trains at the base rate and the stem
    /// at <c>decay^(n−1)</c> of it. <see cref="ParameterGroup.LayerId"/> is timm's layer id; the norm's parameters join
    /// the last block's groups, so there is one decay and one no-decay group per timm layer (timm's <c>layer_{id}_decay</c>,
    /// <c>layer_{id}_no_decay</c>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="decay"/> is not in (0, 1].</exception>
    public static IReadOnlyList<ParameterGroup> LayerDecay(IVisionModel model, double decay, ParameterGroupOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(decay);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(decay, 1.0);
        return Build(model, options, n => LayerDecayScales(n, decay), timmLayers: true);
    }

    /// <summary>
    /// fastai's <c>slice(lo, hi)</c>: rates spread geometrically from <paramref name="lo"/> for the first group to
    /// <paramref name="hi"/> for the head; scales are rate / <paramref name="hi"/> (set the optimizer's rate to hi).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A rate is not positive, or lo > hi.</exception>
    public static IReadOnlyList<ParameterGroup> Discriminative(IVisionModel model, double lo, double hi, ParameterGroupOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(lo);
        ArgumentOutOfRangeException.ThrowIfLessThan(hi, lo);
        return Build(model, options, n => GeometricScales(n, lo, hi));
    }

    /// <summary>fastai's <c>slice(hi)</c>: every group but the head at a tenth of the head's rate.</summary>
    public static IReadOnlyList<ParameterGroup> Discriminative(IVisionModel model, ParameterGroupOptions? options = null) =>
        Build(model, options, n => Enumerable.Range(0, n).Select(i => i == n - 1 ? 1.0 : 0.1).ToArray());

    /// <summary>Explicit scales, one per layer group (lowest first).</summary>
    /// <exception cref="ArgumentException">The number of scales differs from the number of groups, or a scale is negative.</exception>
    public static IReadOnlyList<ParameterGroup> PerGroup(IVisionModel model, IReadOnlyList<double> lrScales, ParameterGroupOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(lrScales);
        if (lrScales.Any(s => s < 0 || double.IsNaN(s)))
            throw new ArgumentException($"Learning-rate scales must be ≥ 0; got [{string.Join(", ", lrScales)}].", nameof(lrScales));
        return Build(model, options, n => n == lrScales.Count ? [.. lrScales]
            : throw new ArgumentException($"{lrScales.Count} scales given for {n} layer groups of '{model.Name}'; give one per group ({string.Join(", ", (options?.Groups ?? model.LayerGroups).Select(g => g.Name))}).", nameof(lrScales)));
    }

    /// <summary>One group per layer group at scale 1 (a plain decay/no-decay split that keeps the layer names).</summary>
    public static IReadOnlyList<ParameterGroup> Uniform(IVisionModel model, ParameterGroupOptions? options = null) =>
        Build(model, options, n => Enumerable.Repeat(1.0, n).ToArray());

    /// <summary><c>decay^(n − 1 − i)</c> for i in 0..n−1.</summary>
    public static double[] LayerDecayScales(int count, double decay) =>
        Enumerable.Range(0, count).Select(i => Math.Pow(decay, count - 1 - i)).ToArray();

    /// <summary>fastai's <c>even_mults(lo, hi, n)</c> divided by <paramref name="hi"/>.</summary>
    public static double[] GeometricScales(int count, double lo, double hi)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (count == 1) return [1.0];
        double step = Math.Pow(hi / lo, 1.0 / (count - 1));
        return Enumerable.Range(0, count).Select(i => i == count - 1 ? 1.0 : lo * Math.Pow(step, i) / hi).ToArray();
    }

    private static List<ParameterGroup> Build(IVisionModel model, ParameterGroupOptions? options, Func<int, double[]> scalesFor, bool timmLayers = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new ParameterGroupOptions();
        options.Validate();
        ArgumentOutOfRangeException.ThrowIfNegative(options.WeightDecay);
        var layers = options.Groups ?? model.LayerGroups;
        int[] ids = timmLayers ? TimmLayerIds(layers) : [.. Enumerable.Range(0, layers.Count)];
        double[] scales = scalesFor(ids.Length == 0 ? 0 : ids[^1] + 1);
        var named = model.Module.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        var noDecay = new HashSet<string>(model.NoWeightDecay.Concat(options.NoWeightDecay), StringComparer.Ordinal);
        var result = new List<ParameterGroup>();
        for (int i = 0; i < layers.Count;)
        {
            int id = ids[i];
            string groupName = layers[i].Name;
            List<(string, Parameter)> decay = [], exempt = [];
            for (; i < layers.Count && ids[i] == id; i++)
            {
                foreach (string name in layers[i].ParameterNames)
                {
                    if (!named.TryGetValue(name, out var p) || (!options.IncludeFrozen && !p.requires_grad)) continue;
                    bool skip = ParameterGroups.IsExemptFromDecay(name, p, noDecay);
                    (skip ? exempt : decay).Add((name, p));
                }
            }
            if (decay.Count > 0) result.Add(new ParameterGroup(groupName, decay, options.WeightDecay, scales[id], id));
            if (exempt.Count > 0) result.Add(new ParameterGroup(groupName + "/no_decay", exempt, 0.0, scales[id], id));
        }
        return result;
    }

    /// <summary>timm's layer numbering over layer groups: one per group, the final norm (<c>norm</c>) with the group before it.</summary>
    private static int[] TimmLayerIds(IReadOnlyList<LayerGroup> layers)
    {
        var ids = new int[layers.Count];
        for (int i = 1; i < layers.Count; i++)
            ids[i] = layers[i].Name == "norm" ? ids[i - 1] : ids[i - 1] + 1;
        return ids;
    }
}
