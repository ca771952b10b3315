using FineTune.Vision.Models;

namespace FineTune.Vision.Adaptation;

/// <summary>Coarser layer groups for freezing and discriminative learning rates (fastai's splitter with a few body parts).</summary>
public static class LayerGroupSplit
{
    /// <summary>
    /// Merges every group but the last (the head) into <paramref name="bodyParts"/> contiguous parts of near-equal
    /// group counts, lowest first, and keeps the head group last: <c>Chunks(groups, 2)</c> gives fastai's three groups.
    /// </summary>
    /// <param name="groups">Fine groups, lowest first, head last (e.g. <see cref="IVisionModel.LayerGroups"/>).</param>
    /// <param name="bodyParts">Number of body parts (1 ≤ parts ≤ groups − 1).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bodyParts"/> is out of range.</exception>
    public static IReadOnlyList<LayerGroup> Chunks(IReadOnlyList<LayerGroup> groups, int bodyParts)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentOutOfRangeException.ThrowIfLessThan(groups.Count, 2, nameof(groups) + ".Count");
        ArgumentOutOfRangeException.ThrowIfLessThan(bodyParts, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bodyParts, groups.Count - 1);
        int body = groups.Count - 1;
        var result = new List<LayerGroup>();
        for (int p = 0; p < bodyParts; p++)
        {
            int start = p * body / bodyParts, end = (p + 1) * body / bodyParts;
            var part = groups.Skip(start).Take(end - start).ToList();
            string name = part.Count == 1 ? part[0].Name : $"{part[0].Name}..{part[^1].Name}";
            result.Add(new LayerGroup(name, part.SelectMany(g => g.ParameterNames).ToList()));
        }
        result.Add(groups[^1]);
        return result;
    }
}
