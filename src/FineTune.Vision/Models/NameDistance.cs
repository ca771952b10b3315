namespace FineTune.Vision.Models;

/// <summary>Edit distance for "did you mean" suggestions.</summary>
internal static class NameDistance
{
    public static IReadOnlyList<string> Nearest(string name, IEnumerable<string> candidates, int count) =>
        candidates.OrderBy(c => Levenshtein(name, c)).ThenBy(c => c, StringComparer.Ordinal).Take(count).ToList();

    public static int Levenshtein(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) prev[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                cur[j] = Math.Min(sub, Math.Min(prev[j] + 1, cur[j - 1] + 1));
            }
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }
}
