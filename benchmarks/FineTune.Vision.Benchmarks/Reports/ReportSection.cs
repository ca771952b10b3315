namespace FineTune.Vision.Benchmarks.Reports;

/// <summary>
/// One report's result as markdown for docs/performance.md: a title, the command that produced it, and its body; plus
/// its headline ratios in machine-readable form (<see cref="Ratios"/>), which <c>all --json</c> writes and
/// <c>regression-check</c> compares with the last published ones.
/// </summary>
public sealed record ReportSection(string Title, string Command, IReadOnlyList<string> Body)
{
    /// <summary>The report's headline ratios (empty for reports that only describe the machine).</summary>
    public IReadOnlyList<Ratio> Ratios { get; init; } = [];

    /// <summary>The section as markdown (heading, command block, body).</summary>
    public string ToMarkdown() =>
        $"### {Title}\n\n```sh\n{Command}\n```\n\n{string.Join("\n", Body)}\n";
}
