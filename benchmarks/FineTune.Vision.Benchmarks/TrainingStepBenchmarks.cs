using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using FineTune.Vision.Benchmarks.Reports;
using FineTune.Vision.Models;
using FineTune.Vision.Weights;

namespace FineTune.Vision.Benchmarks;

/// <summary>
/// One AdamW training step (forward, cross entropy, backward, step) of each architecture of the <c>mfu</c> report at
/// 224 px, batch 16, fp32 and bf16 with fp32 master weights, as a BenchmarkDotNet suite; the Model GFLOP/s column
/// divides the counted step FLOPs (3 × forward, <see cref="ModelFlops"/>) by the mean time.
/// Run: <c>dotnet run -c Release --project benchmarks/FineTune.Vision.Benchmarks -- --filter '*TrainingStep*'</c>
/// (add <c>--anyCategories</c>-style filters such as <c>'*TrainingStep*vit_small*'</c> to run one model).
/// </summary>
[Config(typeof(ModelStepConfig))]
public class TrainingStepBenchmarks
{
    /// <summary>Images per step.</summary>
    public const int Batch = 16;

    private TrainingStep _step = null!;

    /// <summary>The registry name (BEiT at ViT-Ti widths, as in the mfu report).</summary>
    [Params("vit_tiny_patch16_224", "vit_small_patch16_224", "deit_tiny_distilled_patch16_224", "beit_base_patch16_224", "swin_tiny_patch4_window7_224", "cait_xxs24_224")]
    public string Arch { get; set; } = "vit_tiny_patch16_224";

    /// <summary>fp32, or bf16 compute with fp32 masters.</summary>
    [Params("fp32", "bf16")]
    public string Precision { get; set; } = "fp32";

    [GlobalSetup]
    public void Setup()
    {
        TorchSharp.torch.manual_seed(0);
        var overrides = MfuReport.Models.Single(m => m.Arch == Arch).Overrides;
        _step = new TrainingStep(VisionModels.Create<ModelConfig>(Arch, c => c.WithOverrides(overrides)), Batch, Precision == "bf16");
    }

    [GlobalCleanup]
    public void Cleanup() => _step.Dispose();

    /// <summary>One training step.</summary>
    [Benchmark]
    public void Step() => _step.Run();

    /// <summary>Counted FLOPs of one step of <paramref name="arch"/>: 3 × forward × batch.</summary>
    internal static double Flops(string arch)
    {
        var config = ModelRegistry.GetConfig(arch).WithOverrides(MfuReport.Models.Single(m => m.Arch == arch).Overrides);
        return ModelFlops.TrainingStepFlops(ModelFlops.ForwardMacs(config, arch.Contains("distilled", StringComparison.Ordinal)), Batch);
    }
}

/// <summary>
/// In-process job with few iterations (a step takes seconds on a CPU) and a model GFLOP/s column for
/// <see cref="TrainingStepBenchmarks"/> and <see cref="InferenceBenchmarks"/>.
/// </summary>
public sealed class ModelStepConfig : ManualConfig
{
    public ModelStepConfig()
    {
        AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(1).WithIterationCount(5).WithInvocationCount(1).WithUnrollFactor(1));
        AddColumn(new GflopsColumn("Model GFLOP/s", "Counted model FLOPs of one call (ModelFlops; a training step is 3 x forward) over the mean time",
            c => c.Parameters["Arch"] is not string arch ? null
                : c.Descriptor.Type == typeof(InferenceBenchmarks) ? InferenceBenchmarks.Flops(arch, (int)c.Parameters["Batch"])
                : TrainingStepBenchmarks.Flops(arch)));
    }
}
