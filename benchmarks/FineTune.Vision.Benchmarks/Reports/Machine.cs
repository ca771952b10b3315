using System.Runtime.InteropServices;
using FineTune.Vision.Core;

namespace FineTune.Vision.Benchmarks.Reports;

/// <summary>A one-line description of the machine a report ran on: cores, CPU model and flags, memory, runtime, TorchSharp.</summary>
public static class Machine
{
    /// <summary>Cores, CPU model and relevant flags (from /proc/cpuinfo), memory, OS, .NET and TorchSharp versions, date.</summary>
    public static string Describe()
    {
        string model = "unknown CPU", flags = "";
        if (File.Exists("/proc/cpuinfo"))
        {
            string[] lines = File.ReadAllLines("/proc/cpuinfo");
            model = Field(lines, "model name") ?? model;
            var set = (Field(lines, "flags") ?? "").Split(' ').ToHashSet(StringComparer.Ordinal);
            flags = string.Join(", ", new[] { "avx2", "avx512f", "avx512_bf16", "amx_bf16", "amx_tile" }.Where(set.Contains));
        }
        string memory = MemoryGib() is double gib ? $"{gib:F0} GiB" : "unknown memory";
        string load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
        return $"{Environment.ProcessorCount} cores ({model}; {flags}), {memory}, {RuntimeInformation.OSDescription}, " +
            $".NET {Environment.Version}, TorchSharp {TorchBackend.TorchSharpVersion}, load average {load} at start, {DateTime.UtcNow:yyyy-MM-dd}";
    }

    private static string? Field(string[] lines, string name) =>
        lines.FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal))?.Split(':', 2)[1].Trim();

    private static double? MemoryGib()
    {
        if (!File.Exists("/proc/meminfo")) return null;
        string? line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1048576.0;
    }
}
