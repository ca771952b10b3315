using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace FineTune.Vision.Benchmarks;

/// <summary>
/// Runs benchmarks in this process (the native libtorch copy in this output folder is the one the build
/// prepared) and adds a GFLOP/s column for benchmarks that say how many FLOPs one call does.
/// </summary>
public sealed class InProcessConfig : ManualConfig
{
    public InProcessConfig()
    {
        AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(3).WithIterationCount(10));
        AddColumn(GflopsColumn.Gemm());
    }
}

/// <summary>
/// FLOPs of one call over its mean time, in GFLOP/s, for the benchmarks whose <paramref name="flopsPerCall"/> knows the
/// count from the case's parameters (null: not one of them, shown as "-").
/// </summary>
public sealed class GflopsColumn(string columnName, string legend, Func<BenchmarkCase, double?> flopsPerCall) : IColumn
{
    /// <summary><see cref="GemmBenchmarks"/>: 2·N³ per product.</summary>
    public static GflopsColumn Gemm() => new("GFLOP/s", "Floating-point operations per second, in billions (2·N³ per matrix product)",
        c => c.Parameters["N"] is int n ? GemmBenchmarks.Flops(n) : null);

    public string Id => nameof(GflopsColumn) + "." + columnName;
    public string ColumnName => columnName;
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => legend;
    public bool IsAvailable(Summary summary) => true;
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        if (summary[benchmarkCase]?.ResultStatistics is not { } stats || flopsPerCall(benchmarkCase) is not double flops) return "-";
        return (flops / stats.Mean).ToString("F1", System.Globalization.CultureInfo.InvariantCulture); // FLOP per ns = GFLOP/s
    }
}
