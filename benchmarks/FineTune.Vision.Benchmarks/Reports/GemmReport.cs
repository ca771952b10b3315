using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Benchmarks.Reports;

/// <summary>
/// <c>gemm-rate</c>: the fp32 and bf16 GEMM ceiling in this process (best of 10 square products) at 1 thread and every core,
/// and the memory bandwidth (<see cref="MemoryBandwidth"/>) that the elementwise part of a step runs at.
/// </summary>
public static class GemmReport
{
    /// <summary>Measures, prints and returns the table.</summary>
    public static ReportSection Run()
    {
        int[] sizes = [512, 1024, 2048];
        var body = new List<string>
        {
            "Best of 10 square products after a warm-up, GFLOP/s (2·N³ per product).",
            "",
            "| dtype | threads | " + string.Join(" | ", sizes.Select(n => $"N = {n}")) + " |",
            "| --- | --- | " + string.Join(" | ", sizes.Select(_ => "---")) + " |",
        };
        foreach (ScalarType dtype in new[] { ScalarType.Float32, ScalarType.BFloat16 })
        {
            foreach (int threads in new[] { 1, Environment.ProcessorCount }.Distinct())
            {
                torch.set_num_threads(threads);
                var rates = sizes.Select(n => GemmRate.Measure(n, dtype).ToString("F1", CultureInfo.InvariantCulture));
                string row = $"| {(dtype == ScalarType.Float32 ? "fp32" : "bf16")} | {threads} | {string.Join(" | ", rates)} |";
                Console.WriteLine(row);
                body.Add(row);
            }
        }
        body.AddRange(
        [
            "",
            "Memory bandwidth, fp32 buffers of 256 MB, best of 8 passes (copy: 8 bytes per element, in-place triad a += s·c: 12 bytes):",
            "",
            "| threads | copy GB/s | triad GB/s |",
            "| --- | --- | --- |",
        ]);
        foreach (int threads in new[] { 1, Environment.ProcessorCount }.Distinct())
        {
            torch.set_num_threads(threads);
            var (copy, triad) = MemoryBandwidth.Measure();
            string row = string.Create(CultureInfo.InvariantCulture, $"| {threads} | {copy:F1} | {triad:F1} |");
            Console.WriteLine(row);
            body.Add(row);
        }
        torch.set_num_threads(Environment.ProcessorCount);
        return new ReportSection("Machine ceiling: GEMM and memory bandwidth", Commands.Of("gemm-rate"), body);
    }
}
