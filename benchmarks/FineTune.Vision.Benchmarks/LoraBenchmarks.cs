using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using FineTune.Vision.Adaptation;
using FineTune.Vision.Models;
using FineTune.Vision.Optim;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Benchmarks;

/// <summary>
/// One AdamW training step (forward, cross entropy, backward, step) of a small ViT (vit_small widths: dim 384, 6 heads,
/// depth 4, 64 px, patch 16, batch 32, 10 classes) on the CPU: full fine-tuning against LoRA (r 8, alpha 16, q and v
/// slices of every fused qkv, head trained in full). Time: BenchmarkDotNet. Managed allocation: its MemoryDiagnoser.
/// Native memory: process RSS from <c>/proc/self/status</c> — <c>VmRSS</c> before the model is built (after
/// <c>malloc_trim</c>), and <c>VmHWM</c> over model, optimizer and 5 steps after resetting the high-water mark
/// (<c>echo 5 &gt; /proc/self/clear_refs</c>); the columns are their difference, and the optimizer state alone.
/// Run: <c>dotnet run -c Release --project benchmarks/FineTune.Vision.Benchmarks -- --filter '*Lora*'</c>.
/// </summary>
[Config(typeof(LoraConfig))]
public class LoraBenchmarks
{
    private IVisionModel _model = null!;
    private TrainingOptimizer _optimizer = null!;
    private Tensor _x = null!, _y = null!;

    /// <summary>Full fine-tuning or LoRA.</summary>
    [Params("full", "lora")]
    public string Mode { get; set; } = "full";

    internal static readonly ConcurrentDictionary<string, (double PeakMb, double StateMb, double TrainablePct)> Memory = new();

    [GlobalSetup]
    public void Setup()
    {
        torch.manual_seed(0);
        NativeMemory.Trim();
        long baseline = NativeMemory.Read("VmRSS");
        NativeMemory.ResetPeak();
        _model = new VisionTransformer(new VitConfig { ImgSize = 64, PatchSize = 16, EmbedDim = 384, Depth = 4, NumHeads = 6, NumClasses = 10 });
        if (Mode == "lora") Lora.Apply(_model, new LoraOptions { Rank = 8, Alpha = 16 });
        long beforeOptimizer = NativeMemory.Read("VmRSS");
        _optimizer = Optimizers.Create(Optimizers.AdamW(1e-4), _model.Module.named_parameters(), _model.NoWeightDecay);
        long state = NativeMemory.Read("VmRSS") - beforeOptimizer;
        _x = torch.randn(32, 3, 64, 64);
        _y = torch.randint(0, 10, [32]);
        _model.Module.train();
        for (int i = 0; i < 5; i++) Step();
        long peak = NativeMemory.Read("VmHWM");
        Memory[Mode] = ((peak - baseline) / 1024.0, state / 1024.0, TrainableReport.Of(_model).Percent);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _optimizer.Dispose();
        _model.Dispose();
        _x.Dispose();
        _y.Dispose();
    }

    /// <summary>One training step.</summary>
    [Benchmark]
    public void Step()
    {
        using var scope = NewDisposeScope();
        _optimizer.ZeroGrad();
        var loss = nn.functional.cross_entropy(_model.Module.call(_x), _y);
        loss.backward();
        _optimizer.Step();
    }
}

/// <summary>In-process job (the prepared native libtorch), MemoryDiagnoser, and the native-memory columns.</summary>
public sealed class LoraConfig : ManualConfig
{
    public LoraConfig()
    {
        AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(3).WithIterationCount(10));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(new NativeMemoryColumn("Peak RSS (MB)", m => m.PeakMb), new NativeMemoryColumn("Optimizer state RSS (MB)", m => m.StateMb),
            new NativeMemoryColumn("Trainable %", m => m.TrainablePct));
    }
}

/// <summary>A value measured in <see cref="LoraBenchmarks.Setup"/> for the case's mode.</summary>
public sealed class NativeMemoryColumn(string name, Func<(double PeakMb, double StateMb, double TrainablePct), double> pick) : IColumn
{
    public string Id => "NativeMemory." + name;
    public string ColumnName => name;
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "Native memory from /proc/self/status (see LoraBenchmarks)";
    public bool IsAvailable(Summary summary) => true;
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
        benchmarkCase.Parameters["Mode"] is string mode && LoraBenchmarks.Memory.TryGetValue(mode, out var m)
            ? pick(m).ToString("F2", CultureInfo.InvariantCulture) : "-";
}

/// <summary>Linux process memory: <c>/proc/self/status</c> fields in KiB, the high-water-mark reset, and <c>malloc_trim</c>.</summary>
internal static class NativeMemory
{
    public static long Read(string field)
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
                return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        throw new InvalidOperationException($"/proc/self/status has no {field}.");
    }

    public static void ResetPeak() => File.WriteAllText("/proc/self/clear_refs", "5");

    public static void Trim()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        malloc_trim(0);
    }

    [DllImport("libc")]
    private static extern int malloc_trim(nuint pad);
}
