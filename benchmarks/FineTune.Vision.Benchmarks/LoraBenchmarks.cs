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
using FineTune.Vision.Weights;

namespace FineTune.Vision.Benchmarks;

/// <summary>
/// One AdamW training step (forward, cross entropy, backward, step) of a small ViT (vit_small widths: dim 384, 6 heads,
/// depth 4, 64 px, patch 16, batch 32, 10 classes) on the CPU: full fine-tuning against LoRA (r 8, alpha 16, q and v
/// slices of every fused qkv, head trained in full). Time: BenchmarkDotNet. Managed allocation: its MemoryDiagnoser.
/// Native memory: process RSS from <c>/proc/self/status</c> — <c>VmRSS</c> before the model is built (after a small
/// warm-up product and <c>malloc_trim</c>), and <c>VmHWM</c> over model, optimizer and 5 steps after resetting the high-water mark
/// (<c>echo 5 &gt; /proc/self/clear_refs</c>); the columns are their difference, and the optimizer state alone.
/// Run: <c>dotnet run -c Release --project benchmarks/FineTune.Vision.Benchmarks -- --filter '*Lora*'</c>.
/// </summary>
[Config(typeof(LoraConfig))]
public class LoraBenchmarks
{
    private IVisionModel _model = null!;
    private TrainingOptimizer _optimizer = null!;
    private Tensor _x = null!, _y = null!;

    /// <summary>Full fine-tuning or LoRA (the report adds "+checkpointing" for activation checkpointing).</summary>
    [Params("full", "lora")]
    public string Mode { get; set; } = "full";

    /// <summary>A registry model to measure instead of the small ViT (the <c>lora-vs-full</c> report's second case).</summary>
    public string? Arch { get; set; }

    /// <summary>Images per step.</summary>
    public int Batch { get; set; } = 32;

    internal static readonly ConcurrentDictionary<string, (double PeakMb, double StateMb, double TrainablePct, double PeakInUseMb)> Memory = new();

    [GlobalSetup]
    public void Setup()
    {
        torch.manual_seed(0);
        WarmUpRuntime();
        NativeMemory.Trim();
        long baseline = NativeMemory.Read("VmRSS");
        NativeMemory.ResetPeak();
        using var inUse = new NativeMemory.InUsePeak();
        _model = Arch is null
            ? new VisionTransformer(new VitConfig { ImgSize = 64, PatchSize = 16, EmbedDim = 384, Depth = 4, NumHeads = 6, NumClasses = 10 })
            : VisionModels.Create(Arch, numClasses: 10);
        int size = _model.Config.ImgSize;
        if (Mode.StartsWith("lora", StringComparison.Ordinal)) Lora.Apply(_model, new LoraOptions { Rank = 8, Alpha = 16 });
        _model.GradCheckpointing = Mode.EndsWith("+checkpointing", StringComparison.Ordinal);
        long beforeOptimizer = NativeMemory.Read("VmRSS");
        _optimizer = Optimizers.Create(Optimizers.AdamW(1e-4), _model.Module.named_parameters(), _model.NoWeightDecay);
        long state = NativeMemory.Read("VmRSS") - beforeOptimizer;
        _x = torch.randn(Batch, 3, size, size);
        _y = torch.randint(0, 10, [Batch]);
        _model.Module.train();
        for (int i = 0; i < 5; i++) Step();
        long peak = NativeMemory.Read("VmHWM");
        Memory[Mode] = ((peak - baseline) / 1024.0, state / 1024.0, TrainableReport.Of(_model).Percent, inUse.Stop() / 1048576.0);
    }

    /// <summary>
    /// A small product with its backward first, so that the baseline already holds what libtorch sets up once per process
    /// (OpenMP threads and their stacks, the BLAS library's buffers), which belongs to neither mode.
    /// </summary>
    private static void WarmUpRuntime()
    {
        using var scope = NewDisposeScope();
        var w = torch.randn(256, 256).requires_grad_();
        var loss = nn.functional.cross_entropy(torch.randn(64, 256).matmul(w), torch.randint(0, 256, [64]));
        loss.backward();
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
        AddColumn(new NativeMemoryColumn("Peak allocated (MB)", m => m.PeakInUseMb), new NativeMemoryColumn("Peak RSS (MB)", m => m.PeakMb), new NativeMemoryColumn("Optimizer state RSS (MB)", m => m.StateMb),
            new NativeMemoryColumn("Trainable %", m => m.TrainablePct));
    }
}

/// <summary>A value measured in <see cref="LoraBenchmarks.Setup"/> for the case's mode.</summary>
public sealed class NativeMemoryColumn(string name, Func<(double PeakMb, double StateMb, double TrainablePct, double PeakInUseMb), double> pick) : IColumn
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

    /// <summary>Bytes malloc has handed out and not taken back (glibc <c>mallinfo2</c>: heap in use + mmapped blocks).</summary>
    public static long InUse()
    {
        var info = mallinfo2();
        return (long)(info.Uordblks + info.Hblkhd);
    }

    /// <summary>
    /// The peak of <see cref="InUse"/> over the baseline at creation, sampled every 200 µs by a background thread: the
    /// CPU counterpart of CUDA's <c>max_memory_allocated</c> (allocated bytes, not the pages the allocator keeps).
    /// </summary>
    public sealed class InUsePeak : IDisposable
    {
        private readonly long _baseline = InUse();
        private readonly Thread _thread;
        private volatile bool _stop;
        private long _peak;

        public InUsePeak()
        {
            _peak = _baseline;
            _thread = new Thread(() =>
            {
                while (!_stop)
                {
                    long now = InUse();
                    if (now > Interlocked.Read(ref _peak)) Interlocked.Exchange(ref _peak, now);
                    Thread.Sleep(TimeSpan.FromMicroseconds(200));
                }
            }) { IsBackground = true, Priority = ThreadPriority.AboveNormal };
            _thread.Start();
        }

        /// <summary>Stops sampling; returns the peak bytes over the baseline.</summary>
        public long Stop()
        {
            _stop = true;
            _thread.Join();
            return Math.Max(Interlocked.Read(ref _peak), InUse()) - _baseline;
        }

        public void Dispose()
        {
            if (!_stop) Stop();
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint Arena, Ordblks, Smblks, Hblks, Hblkhd, Usmblks, Fsmblks, Uordblks, Fordblks, Keepcost;
    }

    [DllImport("libc")]
    private static extern MallInfo2 mallinfo2();

    public static void Trim()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        malloc_trim(0);
    }

    [DllImport("libc")]
    private static extern int malloc_trim(nuint pad);
}
