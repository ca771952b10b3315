namespace FineTune.Vision.Models;

/// <summary>"Did you mean" suggestions: the family first, then shared prefix and edit distance within it.</summary>
internal static class NameDistance
{
    /// <summary>
    /// The <paramref name="count"/> candidates nearest to <paramref name="name"/>: edit distance minus the length of the
    /// common prefix, so that <c>vit_bse</c> ranks <c>vit_base_*</c> before <c>vit_tiny_*</c> (a typo keeps the start).
    /// </summary>
    public static IReadOnlyList<string> Nearest(string name, IEnumerable<string> candidates, int count) =>
        candidates.OrderBy(c => Distance(name, c) - CommonPrefix(name, c)).ThenBy(c => Distance(name, c)).ThenBy(c => c, StringComparer.Ordinal)
            .Take(count).ToList();

    /// <summary>The text before the first underscore (timm's family word: <c>vit</c>, <c>resnet50</c>, <c>convnext</c>).</summary>
    public static string FirstToken(string name)
    {
        int u = name.IndexOf('_', StringComparison.Ordinal);
        return (u < 0 ? name : name[..u]).ToLowerInvariant();
    }

    /// <summary>The supported family <paramref name="name"/> belongs to (one typo allowed in the family word), or null.</summary>
    public static string? Family(string name, IReadOnlyList<string> families)
    {
        string first = FirstToken(name);
        return families.FirstOrDefault(f => f == first) ?? families.FirstOrDefault(f => Distance(first, f) <= 1);
    }

    private static int CommonPrefix(string a, string b)
    {
        int n = 0;
        while (n < a.Length && n < b.Length && a[n] == b[n]) n++;
        return n;
    }

    /// <summary>Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent transpositions cost 1.</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}
