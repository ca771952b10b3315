namespace FineTune.Vision.Benchmarks.Reports;

/// <summary>One report's result as markdown for docs/performance.md: a title, the command that produced it, and its body.</summary>
public sealed record ReportSection(string Title, string Command, IReadOnlyList<string> Body)
{
    /// <summary>The section as markdown (heading, command block, body).</summary>
    public string ToMarkdown() =>
        $"### {Title}\n\n```sh\n{Command}\n```\n\n{string.Join("\n", Body)}\n";
}
