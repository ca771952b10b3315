using System.Globalization;
using System.Text;
using FineTune.Vision.Models;

namespace FineTune.Vision.Adaptation;

/// <summary>How many parameters train, overall and per layer group (PEFT's <c>print_trainable_parameters</c>, per group).</summary>
/// <param name="Total">Scalar parameters in the model.</param>
/// <param name="Trainable">Scalar parameters with <c>requires_grad</c>.</param>
/// <param name="Groups">Per group, in depth order.</param>
public sealed record TrainableReport(long Total, long Trainable, IReadOnlyList<GroupCount> Groups)
{
    /// <summary>Trainable share of the parameters, in percent.</summary>
    public double Percent => Total == 0 ? 0 : 100.0 * Trainable / Total;

    /// <summary>The report for <paramref name="model"/> over <paramref name="groups"/> (default: its layer groups).</summary>
    public static TrainableReport Of(IVisionModel model, IReadOnlyList<LayerGroup>? groups = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var byName = model.Module.named_parameters().ToDictionary(p => p.name, p => (N: p.parameter.numel(), p.parameter.requires_grad), StringComparer.Ordinal);
        var rows = (groups ?? model.LayerGroups).Select(g =>
        {
            var ps = g.ParameterNames.Where(byName.ContainsKey).Select(n => byName[n]).ToList();
            return new GroupCount(g.Name, ps.Sum(p => p.N), ps.Where(p => p.requires_grad).Sum(p => p.N));
        }).ToList();
        return new TrainableReport(byName.Values.Sum(p => p.N), byName.Values.Where(p => p.requires_grad).Sum(p => p.N), rows);
    }

    /// <summary>A summary line and a table of groups.</summary>
    public override string ToString()
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(c, $"trainable params: {Trainable:N0} || all params: {Total:N0} || trainable%: {Percent:0.####}");
        int width = Math.Max(5, Groups.Count == 0 ? 0 : Groups.Max(g => g.Name.Length));
        sb.AppendLine().Append(c, $"  {"group".PadRight(width)} {"trainable",12} {"total",12}");
        foreach (var g in Groups)
        {
            sb.AppendLine().Append(c, $"  {g.Name.PadRight(width)} {g.Trainable,12:N0} {g.Total,12:N0}");
        }
        return sb.ToString();
    }
}
