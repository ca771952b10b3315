using System.Diagnostics;

namespace FineTune.Vision.Benchmarks.Reports;

/// <summary>Wall-clock timing of a repeated action: warm-up calls, then the best and the median of the timed calls.</summary>
public static class Timing
{
    /// <summary>Runs <paramref name="action"/> <paramref name="warmup"/> times untimed, then <paramref name="repeats"/> times timed.</summary>
    public static TimingResult Measure(Action action, int warmup, int repeats)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        for (int i = 0; i < warmup; i++) action();
        var seconds = new double[repeats];
        var cpu = new double[repeats];
        for (int i = 0; i < repeats; i++)
        {
            double cpuStart = ProcessCpu.Seconds();
            long start = Stopwatch.GetTimestamp();
            action();
            seconds[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
            cpu[i] = ProcessCpu.Seconds() - cpuStart;
        }
        return TimingResult.Of(seconds) with { CpuMedian = TimingResult.Of(cpu).Median, CpuBest = cpu.Min() };
    }
}

/// <summary>Best and median wall seconds of a set of timed runs (and, from <see cref="Timing.Measure"/>, process CPU seconds).</summary>
public sealed record TimingResult(double Best, double Median, int Count)
{
    /// <summary>Median process CPU seconds (all threads) per run; NaN when not measured.</summary>
    public double CpuMedian { get; init; } = double.NaN;

    /// <summary>Least process CPU seconds per run; NaN when not measured.</summary>
    public double CpuBest { get; init; } = double.NaN;

    /// <summary>Summarises <paramref name="seconds"/>.</summary>
    public static TimingResult Of(IReadOnlyCollection<double> seconds)
    {
        double[] sorted = [.. seconds.Order()];
        double median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        return new TimingResult(sorted[0], median, sorted.Length);
    }
}
