using System.Globalization;
using FineTune.Vision.Models;

namespace FineTune.Vision.Benchmarks.Reports;

/// <summary><c>flops</c>: <see cref="ModelFlops"/> against timm's published GMACs for the models it lists.</summary>
public static class FlopsReport
{
    /// <summary>Prints and returns the comparison.</summary>
    public static ReportSection Run()
    {
        var body = new List<string>
        {
            "Forward cost of one image counted from the architecture (matrix products only), against timm's published figure.",
            "1 MAC = one multiply-add = 2 FLOPs; timm's \"GMACs\" column (fvcore) counts MACs. A training step counts 3 × forward. timm's figures are rounded to 0.1 and fvcore also counts the norms, hence the tolerance.",
            "",
            "| model | counted GMACs | timm GMACs (1 decimal) | counted GFLOPs | within max(±0.05, ±1%) |",
            "| --- | --- | --- | --- | --- |",
        };
        foreach (var (name, reference) in ModelFlops.ReferenceGmacs)
        {
            double gmacs = ModelFlops.ForwardMacs(name) / 1e9;
            string row = string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {gmacs:F3} | {reference:F1} | {2 * gmacs:F2} | {(Math.Abs(gmacs - reference) <= Math.Max(0.05, 0.01 * reference) ? "yes" : "**no**")} |");
            body.Add(row);
            Console.WriteLine(row);
        }
        return new ReportSection("FLOP counts", Commands.Of("flops"), body);
    }
}
