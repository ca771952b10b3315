using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using FineTune.Vision.Adaptation;
using FineTune.Vision.Benchmarks;
using FineTune.Vision.Core;
using FineTune.Vision.Models;
using FineTune.Vision.Optim;
using FineTune.Vision.Training.Precision;
using FineTune.Vision.Weights;
using TorchSharp;
using static TorchSharp.torch;

// The GPU kit's benchmark (docs/platform.md, "GPU kit"; run by tools/gpu/run.sh on the GPU machine).
//   GpuBench [all|train|logits|memory] [--device cuda|cpu] [--arch vit_base_patch16_384] [--batches 128,64]
//            [--warmup 3] [--repeats 10] [--peak-tflops 989] [--memory-arch beit_large_patch16_384] [--memory-batch 8]
//            [--tiny]
// --tiny shrinks every model (img 32, dim 64, depth 2, 2 heads) so that a CPU dry run finishes in seconds.
// Prints one markdown section per part (for docs/performance.md) and "RESULT key value" lines for scripts.
var a = Args.Parse(args);
if (a.Command == "memory-child")
{
    MemoryPart.RunChild(a);
    return 0;
}
TorchBackend.EnsureAvailable();
Device device = TorchBackend.ParseDevice(a.Text("device", "auto"));
Console.WriteLine($"{TorchBackend.Describe()}; measuring on {device}; TorchSharp {TorchBackend.TorchSharpVersion}; .NET {Environment.Version}");
if (device.type == DeviceType.CUDA) Console.WriteLine($"CUDA devices: {torch.cuda.device_count()}, cuDNN: {torch.cuda.is_cudnn_available()}");
int failures = 0;
foreach (string part in a.Command == "all" ? ["logits", "train", "memory"] : new[] { a.Command })
{
    try
    {
        Console.WriteLine();
        Console.WriteLine(part switch
        {
            "train" => TrainPart.Run(a, device),
            "logits" => LogitsPart.Run(a, device),
            "memory" => MemoryPart.Run(a, device),
            _ => throw new ArgumentException($"Unknown part '{part}' (all, train, logits, memory)."),
        });
    }
    catch (Exception e)
    {
        failures++;
        Console.WriteLine($"## {part}: FAILED\n\n{e}");
    }
}
return failures == 0 ? 0 : 1;

/// <summary>Command line: a command then <c>--name value</c> pairs and flags.</summary>
internal sealed class Args
{
    private readonly Dictionary<string, string> _values = [];

    public string Command { get; private init; } = "all";

    public string[] Raw { get; private init; } = [];

    public static Args Parse(string[] args)
    {
        var result = new Args { Command = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "all", Raw = args };
        for (int i = result.Command == "all" && (args.Length == 0 || args[0] != "all") ? 0 : 1; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"Unexpected argument '{args[i]}'.");
            string key = args[i][2..];
            bool hasValue = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
            result._values[key] = hasValue ? args[++i] : "true";
        }
        return result;
    }

    public string Text(string key, string fallback) => _values.TryGetValue(key, out var v) ? v : fallback;

    public int Int(string key, int fallback) => _values.TryGetValue(key, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public double Double(string key, double fallback) => _values.TryGetValue(key, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public bool Flag(string key) => _values.TryGetValue(key, out var v) && v != "false";

    /// <summary>The options again, for a child process.</summary>
    public IEnumerable<string> Options() => _values.SelectMany(p => p.Value == "true" ? new[] { "--" + p.Key } : ["--" + p.Key, p.Value]);
}

internal static class Models
{
    /// <summary>A registry model with random weights (seed 0); <c>--tiny</c> shrinks it for a dry run.</summary>
    public static VisionModel Create(string arch, bool tiny, Device device, int numClasses = 1000) => tiny
        ? VisionModels.Create<ModelConfig>(arch, c => c.WithOverrides(new Dictionary<string, string>
        {
            ["img_size"] = "32", ["embed_dim"] = "64", ["depth"] = "2", ["num_heads"] = "2", ["num_classes"] = numClasses.ToString(CultureInfo.InvariantCulture),
        }), seed: 0, device: device)
        : VisionModels.Create(arch, numClasses: numClasses, seed: 0, device: device);

    public static void Sync(Device device)
    {
        if (device.type == DeviceType.CUDA) torch.cuda.synchronize(device);
    }

    public static double Median(IReadOnlyList<double> values)
    {
        var s = values.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    public static string F(double v, string format = "F1") => v.ToString(format, CultureInfo.InvariantCulture);
}

/// <summary>
/// Training images/s: AdamW (lr 1e-4, wd 0.05 with timm's no-decay set), bf16 forward and backward with fp32 master
/// weights (the Trainer's <c>TrainingPrecision.BFloat16</c> path, <c>MasterWeights</c> compiled from the library's
/// source), cross entropy on a fixed random batch, attention through <c>scaled_dot_product_attention</c>. Each
/// repeat times one whole step between device synchronisations; the median over repeats after the warm-up steps.
/// MFU = 6 × forward MACs × batch ÷ step time ÷ the peak given (<c>--peak-tflops</c>, dense bf16).
/// </summary>
internal static class TrainPart
{
    public static string Run(Args a, Device device)
    {
        string arch = a.Text("arch", "vit_base_patch16_384");
        bool tiny = a.Flag("tiny"), fp32 = a.Flag("fp32");
        int warmup = a.Int("warmup", 3), repeats = a.Int("repeats", 10);
        double peak = a.Double("peak-tflops", 989);
        int[] batches = [.. a.Text("batches", tiny ? "8,4" : "128,64").Split(',').Select(b => int.Parse(b, CultureInfo.InvariantCulture))];
        var rows = new List<string>();
        foreach (int batch in batches)
        {
            using var scope = torch.NewDisposeScope();
            using VisionModel model = Models.Create(arch, tiny, device);
            long macs = ModelFlops.ForwardMacs(model.Config);
            using MasterWeights? masters = fp32 ? null : new MasterWeights(model, ScalarType.BFloat16);
            var named = masters?.Masters ?? model.named_parameters().Select(p => (p.name, p.parameter)).ToList();
            using TrainingOptimizer optimizer = Optimizers.Create(Optimizers.AdamW(1e-4, weightDecay: 0.05), named, model.NoWeightDecay);
            int size = model.Config.ImgSize;
            using Tensor x = torch.randn(batch, 3, size, size, dtype: fp32 ? ScalarType.Float32 : ScalarType.BFloat16, device: device);
            using Tensor y = torch.randint(0, model.NumClasses, [batch], device: device);
            model.train();
            void Step()
            {
                using var step = torch.NewDisposeScope();
                optimizer.ZeroGrad();
                nn.functional.cross_entropy(model.call(x).to(ScalarType.Float32), y).backward();
                masters?.CopyGradientsToMasters();
                optimizer.Step();
                masters?.CopyMastersToModel();
            }
            for (int i = 0; i < warmup; i++) Step();
            Models.Sync(device);
            var times = new List<double>();
            for (int i = 0; i < repeats; i++)
            {
                var sw = Stopwatch.StartNew();
                Step();
                Models.Sync(device);
                times.Add(sw.Elapsed.TotalSeconds);
            }
            double median = Models.Median(times), imagesPerSecond = batch / median;
            double mfu = ModelFlops.TrainingStepFlops(macs, batch) / median / (peak * 1e12);
            Console.WriteLine($"RESULT train.{arch}.b{batch}.images_per_s {Models.F(imagesPerSecond, "F2")}");
            Console.WriteLine($"RESULT train.{arch}.b{batch}.mfu {Models.F(mfu, "F4")}");
            rows.Add($"| {arch}{(tiny ? " (tiny)" : "")} | {batch} | {(fp32 ? "fp32" : "bf16 + fp32 masters")} | {Models.F(median * 1000)} ms " +
                $"(min {Models.F(times.Min() * 1000)}, max {Models.F(times.Max() * 1000)}) | {Models.F(imagesPerSecond)} | {Models.F(100 * mfu, "F1")}% |");
        }
        return $"## Training throughput ({device}, AdamW, {warmup} warm-up steps, median of {repeats}; MFU against {peak} TFLOP/s)\n\n" +
            "| model | batch | precision | step (median) | images/s | MFU |\n|---|---|---|---|---|---|\n" + string.Join("\n", rows);
    }
}

/// <summary>
/// Logits of a random model (seed 0, eval mode, fp32) on the CPU and on the device for one random batch of 2:
/// max |Δ| and ‖Δ‖/‖cpu‖. The tolerance, ‖Δ‖/‖cpu‖ ≤ 5e-3, allows cuDNN's TF32 patch-embedding convolution (libtorch
/// leaves TF32 on for convolutions, off for matrix products) and the GPU's summation order.
/// </summary>
internal static class LogitsPart
{
    public const double Tolerance = 5e-3;

    public static string Run(Args a, Device device)
    {
        string arch = a.Text("arch", "vit_base_patch16_384");
        bool tiny = a.Flag("tiny");
        using var scope = torch.NewDisposeScope();
        using VisionModel model = Models.Create(arch, tiny, CPU);
        model.eval();
        int size = model.Config.ImgSize;
        var generator = new Generator(1);
        Tensor x = torch.randn([2, 3, size, size], generator: generator);
        Tensor cpu, gpu;
        using (torch.no_grad()) cpu = model.call(x);
        model.to(device);
        using (torch.no_grad()) gpu = model.call(x.to(device)).cpu();
        double maxAbs = (gpu - cpu).abs().max().item<float>();
        double rel = (gpu - cpu).norm().item<float>() / cpu.norm().item<float>();
        bool pass = rel <= Tolerance && !double.IsNaN(rel);
        Console.WriteLine($"RESULT logits.{arch}.max_abs {maxAbs:E3}");
        Console.WriteLine($"RESULT logits.{arch}.rel_l2 {rel:E3}");
        Console.WriteLine($"RESULT logits.{arch}.pass {pass}");
        return $"## Logits, {device} vs CPU ({arch}{(tiny ? " tiny" : "")}, random weights seed 0, batch 2, fp32, eval)\n\n" +
            $"max |Δ| = {maxAbs:E3}, ‖Δ‖/‖cpu‖ = {rel:E3}; tolerance ‖Δ‖/‖cpu‖ ≤ {Tolerance:E0}: {(pass ? "PASS" : "FAIL")}";
    }
}

/// <summary>
/// Peak device memory of full fine-tuning vs LoRA (r 16, alpha 32, q and v slices of every fused qkv; head trained),
/// fp32 AdamW, batch 8, 5 steps. TorchSharp 0.107 exposes no CUDA memory statistics (no
/// <c>torch.cuda.max_memory_allocated</c>, <c>memory_stats</c> or <c>empty_cache</c>): each mode runs in a child
/// process, and a thread samples <c>cudaMemGetInfo</c> (total − free, from the CUDA runtime that libtorch loaded)
/// every 2 ms; the peak over the steps minus the reading after the CUDA context was made. This counts what the
/// caching allocator reserved (not only what tensors held), so it is an upper bound of PyTorch's
/// <c>max_memory_allocated</c>. On the CPU the child reports its peak RSS (VmHWM) instead.
/// </summary>
internal static class MemoryPart
{
    public static string Run(Args a, Device device)
    {
        string arch = a.Text("memory-arch", "beit_large_patch16_384");
        var rows = new List<string>();
        var peaks = new Dictionary<string, double>();
        foreach (string mode in new[] { "full", "lora" })
        {
            string self = Environment.ProcessPath ?? throw new InvalidOperationException("No process path.");
            var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
            if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(typeof(MemoryPart).Assembly.Location);
            start.ArgumentList.Add("memory-child");
            foreach (string o in a.Options()) start.ArgumentList.Add(o);
            start.ArgumentList.Add("--mode");
            start.ArgumentList.Add(mode);
            start.ArgumentList.Add("--device");
            start.ArgumentList.Add(device.ToString());
            using var child = Process.Start(start)!;
            string output = child.StandardOutput.ReadToEnd();
            child.WaitForExit();
            Console.Write(output);
            string? line = output.Split('\n').LastOrDefault(l => l.StartsWith("MEMORY ", StringComparison.Ordinal));
            if (child.ExitCode != 0 || line is null) throw new InvalidOperationException($"The {mode} child exited with {child.ExitCode}.");
            string[] f = line.Split(' ');
            peaks[mode] = double.Parse(f[2], CultureInfo.InvariantCulture);
            rows.Add($"| {mode} | {f[3]}% | {Models.F(peaks[mode] / 1024, "F2")} GiB | {f[1]} |");
            Console.WriteLine($"RESULT memory.{arch}.{mode}.peak_mib {f[2]}");
        }
        return $"## Peak memory, {arch}{(a.Flag("tiny") ? " (tiny)" : "")}, batch {a.Int("memory-batch", 8)}, fp32 AdamW, 5 steps ({device})\n\n" +
            "| mode | trainable | peak | measured as |\n|---|---|---|---|\n" + string.Join("\n", rows) +
            $"\n\nLoRA ÷ full: {Models.F(peaks["lora"] / peaks["full"], "F2")}x (seed 001's claim: 3.8 vs 8.2 GB)";
    }

    public static void RunChild(Args a)
    {
        TorchBackend.EnsureAvailable();
        Device device = TorchBackend.ParseDevice(a.Text("device", "auto"));
        string arch = a.Text("memory-arch", "beit_large_patch16_384");
        int batch = a.Int("memory-batch", 8);
        bool lora = a.Text("mode", "full") == "lora";
        using var sampler = device.type == DeviceType.CUDA ? CudaMemorySampler.Start() : null;
        using (var scope = torch.NewDisposeScope())
        {
            using VisionModel model = Models.Create(arch, a.Flag("tiny"), device);
            if (lora) Lora.Apply(model, new LoraOptions { Rank = 16, Alpha = 32, Targets = LoraTargets.QueryValue });
            int trainable = model.parameters().Where(p => p.requires_grad).Sum(p => (int)p.numel());
            long total = model.parameters().Sum(p => p.numel());
            using TrainingOptimizer optimizer = Optimizers.Create(Optimizers.AdamW(1e-4), model.named_parameters(), model.NoWeightDecay);
            int size = model.Config.ImgSize;
            using Tensor x = torch.randn(batch, 3, size, size, device: device);
            using Tensor y = torch.randint(0, model.NumClasses, [batch], device: device);
            model.train();
            for (int i = 0; i < 5; i++)
            {
                using var step = torch.NewDisposeScope();
                optimizer.ZeroGrad();
                nn.functional.cross_entropy(model.call(x), y).backward();
                optimizer.Step();
            }
            Models.Sync(device);
            string pct = Models.F(100.0 * trainable / total, "F2");
            if (sampler is not null)
                Console.WriteLine($"MEMORY cudaMemGetInfo-peak-minus-context {Models.F(sampler.PeakMib)} {pct}");
            else
                Console.WriteLine($"MEMORY host-VmHWM {Models.F(HostPeakMib())} {pct}");
        }
    }

    private static double HostPeakMib()
    {
        string? line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? double.NaN : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }
}

/// <summary>Samples device memory in use (total − free) through the CUDA runtime's <c>cudaMemGetInfo</c>.</summary>
internal sealed class CudaMemorySampler : IDisposable
{
    private delegate int MemGetInfo(out nuint free, out nuint total);

    private readonly MemGetInfo _getInfo;
    private readonly double _baseline;
    private readonly Thread _thread;
    private volatile bool _stop;
    private double _peak;

    private CudaMemorySampler(MemGetInfo getInfo)
    {
        _getInfo = getInfo;
        torch.zeros(1, device: CUDA).Dispose(); // make the context first: it is no part of either mode
        torch.cuda.synchronize();
        _baseline = Used();
        _thread = new Thread(() =>
        {
            while (!_stop)
            {
                _peak = Math.Max(_peak, Used());
                Thread.Sleep(2);
            }
        }) { IsBackground = true };
        _thread.Start();
    }

    public double PeakMib
    {
        get
        {
            _peak = Math.Max(_peak, Used());
            return (_peak - _baseline) / 1048576.0;
        }
    }

    public static CudaMemorySampler Start()
    {
        foreach (string name in new[] { "libcudart.so.13", "libcudart.so.12", "libcudart.so" })
        {
            if (NativeLibrary.TryLoad(name, out IntPtr handle) && NativeLibrary.TryGetExport(handle, "cudaMemGetInfo", out IntPtr fn))
                return new CudaMemorySampler(Marshal.GetDelegateForFunctionPointer<MemGetInfo>(fn));
        }
        throw new InvalidOperationException("No CUDA runtime (libcudart.so.13/.12) found to read cudaMemGetInfo; add its folder to LD_LIBRARY_PATH.");
    }

    private double Used()
    {
        int rc = _getInfo(out nuint free, out nuint total);
        return rc == 0 ? (double)(total - free) : double.NaN;
    }

    public void Dispose()
    {
        _stop = true;
        _thread.Join();
    }
}
