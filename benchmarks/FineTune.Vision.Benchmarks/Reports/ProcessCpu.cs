using System.Runtime.InteropServices;

namespace FineTune.Vision.Benchmarks.Reports;

/// <summary>
/// The process's CPU time (all threads) with nanosecond resolution (<c>clock_gettime(CLOCK_PROCESS_CPUTIME_ID)</c> on
/// Linux; <see cref="System.Diagnostics.Process.TotalProcessorTime"/>, 10 ms ticks there, elsewhere).
/// </summary>
public static class ProcessCpu
{
    private const int ClockProcessCpuTimeId = 2;

    /// <summary>CPU seconds used by this process so far.</summary>
    public static double Seconds()
    {
        if (OperatingSystem.IsLinux() && clock_gettime(ClockProcessCpuTimeId, out TimeSpec t) == 0) return t.Seconds + (t.Nanoseconds / 1e9);
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return process.TotalProcessorTime.TotalSeconds;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int clock_gettime(int clockId, out TimeSpec time);
}
