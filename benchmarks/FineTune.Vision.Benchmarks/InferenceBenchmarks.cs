using BenchmarkDotNet.Attributes;
using FineTune.Vision.Models;
using TorchSharp;
using static TorchSharp.torch;
using FineTune.Vision.Weights;

namespace FineTune.Vision.Benchmarks;

/// <summary>
/// vit_small_patch16_224 inference (eval mode, no_grad) at batch 1 and 32 with fp32 and bf16 weights, as a
/// BenchmarkDotNet suite (the <c>inference</c> report's cases).
/// Run: <c>dotnet run -c Release --project benchmarks/FineTune.Vision.Benchmarks -- --filter '*InferenceBenchmarks*'</c>.
/// </summary>
[Config(typeof(ModelStepConfig))]
public class InferenceBenchmarks
{
    private VisionModel _model = null!;
    private Tensor _x = null!;

    /// <summary>The registry name.</summary>
    [Params("vit_small_patch16_224")]
    public string Arch { get; set; } = "vit_small_patch16_224";

    /// <summary>Images per call.</summary>
    [Params(1, 32)]
    public int Batch { get; set; } = 1;

    /// <summary>Weight and input precision.</summary>
    [Params("fp32", "bf16")]
    public string Precision { get; set; } = "fp32";

    [GlobalSetup]
    public void Setup()
    {
        torch.manual_seed(0);
        ScalarType dtype = Precision == "bf16" ? ScalarType.BFloat16 : ScalarType.Float32;
        _model = VisionModels.Create(Arch);
        _model.to(dtype);
        _model.eval();
        _x = torch.randn(Batch, 3, _model.Config.ImgSize, _model.Config.ImgSize, dtype: dtype);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _model.Dispose();
        _x.Dispose();
    }

    /// <summary>One forward pass; every intermediate is released when it returns.</summary>
    [Benchmark]
    public void Forward()
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        _model.call(_x);
    }

    /// <summary>Counted forward FLOPs of one call.</summary>
    internal static double Flops(string arch, int batch) => 2.0 * ModelFlops.ForwardMacs(arch) * batch;
}
