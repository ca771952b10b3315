using TorchSharp.Modules;

namespace FineTune.Vision.Adaptation;

/// <summary>
/// Builds parameter groups as timm's <c>param_groups_weight_decay</c> does: no weight decay on 1-D parameters (norm
/// weights, biases) and on the model's no-decay set (position embeddings, class/distillation tokens, relative position
/// tables), weight decay on the rest.
/// </summary>
public static class ParameterGroups
{
    /// <summary>Splits <paramref name="parameters"/> into a "decay" and a "no_decay" group (empty groups are left out).</summary>
    /// <param name="parameters">Named parameters, e.g. <c>model.named_parameters()</c>.</param>
    /// <param name="weightDecay">Weight decay of the "decay" group.</param>
    /// <param name="noWeightDecay">Extra names without decay (exact names, or suffixes after a '.').</param>
    /// <param name="includeFrozen">Whether parameters with <c>requires_grad = false</c> are included (idle until unfrozen).</param>
    /// <param name="lrScale">Learning-rate scale for both groups.</param>
    public static IReadOnlyList<ParameterGroup> WeightDecaySplit(IEnumerable<(string Name, Parameter Parameter)> parameters,
        double weightDecay, IEnumerable<string>? noWeightDecay = null, bool includeFrozen = false, double lrScale = 1.0)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfNegative(weightDecay);
        var skip = new HashSet<string>(noWeightDecay ?? [], StringComparer.Ordinal);
        List<(string, Parameter)> decay = [], noDecay = [];
        foreach (var (name, p) in parameters)
        {
            if (!includeFrozen && !p.requires_grad) continue;
            bool exempt = IsExemptFromDecay(name, p, skip);
            (exempt ? noDecay : decay).Add((name, p));
        }
        List<ParameterGroup> groups = [];
        if (decay.Count > 0) groups.Add(new ParameterGroup("decay", decay, weightDecay, lrScale));
        if (noDecay.Count > 0) groups.Add(new ParameterGroup("no_decay", noDecay, 0.0, lrScale));
        return groups;
    }

    /// <summary>
    /// timm's rule for weight decay: exempt 1-D parameters (norm weights, biases) and the listed names (exact, or a suffix
    /// after a '.', e.g. <c>pos_embed</c> or <c>relative_position_bias_table</c>).
    /// </summary>
    public static bool IsExemptFromDecay(string name, Parameter parameter, IReadOnlySet<string> noWeightDecay)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(parameter);
        ArgumentNullException.ThrowIfNull(noWeightDecay);
        return parameter.dim() <= 1 || name.EndsWith(".bias", StringComparison.Ordinal) || IsListed(name, noWeightDecay);
    }

    private static bool IsListed(string name, IReadOnlySet<string> skip)
    {
        if (skip.Contains(name)) return true;
        foreach (string s in skip)
            if (name.EndsWith("." + s, StringComparison.Ordinal)) return true;
        return false;
    }
}
