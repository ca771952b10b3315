using System.Globalization;

namespace FineTune.Vision.Benchmarks.Reports;

/// <summary>
/// <c>regression-check</c>: compares ratios measured now (a file from <c>all --json</c>, or a fresh run of the ratio reports)
/// with the last published ones (<see cref="PublishedFile"/>, written by the <c>all --json</c> run that docs/performance.md
/// was rewritten from) and prints which dropped by more than their measured spread. Not a timed test: a script to run
/// on a quiet machine before publishing or after a change that might cost speed.
/// </summary>
public static class RegressionCheck
{
    /// <summary>The published ratios, beside this project: benchmarks/FineTune.Vision.Benchmarks/published-ratios.json.</summary>
    public static string PublishedFile => Path.Combine(PipelineImages.RepoRoot(), "benchmarks", "FineTune.Vision.Benchmarks", "published-ratios.json");

    /// <summary>One compared ratio.</summary>
    /// <param name="Name">The ratio's key.</param>
    /// <param name="Published">The published value.</param>
    /// <param name="Now">The value measured now.</param>
    /// <param name="Tolerance">The two measurements' spreads added (their bands overlap when the change is within it).</param>
    /// <param name="Dropped">Whether it got worse by more than <paramref name="Tolerance"/>.</param>
    public sealed record Comparison(string Name, double Published, double Now, double Tolerance, bool Dropped);

    /// <summary>Compares <paramref name="now"/> with <paramref name="published"/>; ratios measured in only one of them are left out.</summary>
    public static IReadOnlyList<Comparison> Compare(RatioFile published, RatioFile now)
    {
        ArgumentNullException.ThrowIfNull(published);
        ArgumentNullException.ThrowIfNull(now);
        var current = now.Ratios.ToDictionary(r => r.Name, StringComparer.Ordinal);
        var result = new List<Comparison>();
        foreach (Ratio p in published.Ratios)
        {
            if (!current.TryGetValue(p.Name, out Ratio? n)) continue;
            double tolerance = p.Spread + n.Spread;
            double worse = p.HigherIsBetter ? p.Value - n.Value : n.Value - p.Value;
            result.Add(new Comparison(p.Name, p.Value, n.Value, tolerance, worse > tolerance));
        }
        return result;
    }

    /// <summary>Prints the comparison table; returns 1 when a ratio dropped, else 0.</summary>
    public static int Run(string publishedPath, string currentPath, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        RatioFile published = Ratio.Load(publishedPath), now = Ratio.Load(currentPath);
        IReadOnlyList<Comparison> rows = Compare(published, now);
        output.WriteLine($"published: {published.Date}, {published.Machine}");
        output.WriteLine($"now:       {now.Date}, {now.Machine}");
        output.WriteLine();
        output.WriteLine($"{"ratio",-62} {"published",10} {"now",10} {"change",9} {"spread",8}  verdict");
        foreach (Comparison c in rows)
        {
            string verdict = c.Dropped ? "DROPPED" : Math.Abs(c.Now - c.Published) <= c.Tolerance ? "same" : "better";
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{c.Name,-62} {c.Published,10:F3} {c.Now,10:F3} {c.Now - c.Published,9:+0.000;-0.000} {c.Tolerance,8:F3}  {verdict}"));
        }
        var missing = published.Ratios.Select(r => r.Name).Except(rows.Select(r => r.Name)).ToList();
        if (missing.Count > 0) output.WriteLine($"\nnot measured now: {string.Join(", ", missing)}");
        var dropped = rows.Where(r => r.Dropped).ToList();
        output.WriteLine(dropped.Count == 0
            ? $"\nno ratio dropped by more than its spread ({rows.Count} compared)"
            : $"\n{dropped.Count} of {rows.Count} ratios dropped by more than their spread: {string.Join(", ", dropped.Select(d => d.Name))}");
        return dropped.Count == 0 ? 0 : 1;
    }
}
