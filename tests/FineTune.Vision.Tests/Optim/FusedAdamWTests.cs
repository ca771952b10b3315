using FineTune.Vision.Optim;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using FusedAdamW = FineTune.Vision.Optim.AdamW;
using TorchSharpAdamW = TorchSharp.Modules.AdamW;

namespace FineTune.Vision.Tests.Optim;

/// <summary>
/// The library's AdamW (one fused pass per fp32 CPU parameter) against TorchSharp's own <c>optim.AdamW</c> (nine libtorch
/// operations per parameter) on the same parameters and gradients; real PyTorch's AdamW is checked through timm's
/// Lookahead fixture (<see cref="TimmOptimizerParityTests"/>, case lookahead_adamw).
/// </summary>
public sealed class FusedAdamWTests
{
    /// <summary>Sizes around the vector width and the parallel chunk (65,536 elements), a matrix and an unused parameter.</summary>
    private static readonly long[][] Shapes = [[7], [16], [65_536 + 13], [3, 40_000], [300, 17], [5]];

    private static Parameter[] Make(int seed)
    {
        using var generator = new torch.Generator((ulong)seed);
        return [.. Shapes.Select(s => new Parameter(torch.randn(s, generator: generator)))];
    }

    private static void SetGrads(Parameter[] parameters, int step)
    {
        using var generator = new torch.Generator((ulong)(1000 + step));
        for (int i = 0; i < parameters.Length - 1; i++)    // the last parameter never gets a gradient
        {
            using var g = torch.randn(parameters[i].shape, generator: generator) * (i + 1);
            parameters[i].grad = g.clone();
        }
    }

    private static TorchSharpAdamW.ParamGroup[] Groups(Parameter[] p) =>
    [
        new([p[0], p[1], p[2]], new TorchSharpAdamW.Options { LearningRate = 1e-2, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0.05, amsgrad = false, maximize = false }),
        new([p[3], p[4], p[5]], new TorchSharpAdamW.Options { LearningRate = 3e-3, beta1 = 0.8, beta2 = 0.99, eps = 1e-6, weight_decay = 0.0, amsgrad = false, maximize = false }),
    ];

    private static void AssertClose(Parameter[] expected, Parameter[] actual, string when)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            float[] want = expected[i].data<float>().ToArray(), got = actual[i].data<float>().ToArray();
            for (int k = 0; k < want.Length; k++)
                Assert.True(Math.Abs(got[k] - want[k]) <= 1e-6 * Math.Abs(want[k]) + 1e-7, $"{when}: parameter {i} element {k}: TorchSharp {want[k]:R}, fused {got[k]:R}");
        }
    }

    [Fact]
    public void Every_step_equals_torchsharps_adamw_on_every_parameter()
    {
        Parameter[] reference = Make(1), fused = Make(1);
        using var plain = new TorchSharpAdamW(Groups(reference), 1e-2);
        using var ours = new FusedAdamW(Groups(fused), 1e-2, 0.9, 0.999, 1e-8, 0.01);
        Tensor before = fused[^1].detach().clone();
        for (int step = 0; step < 12; step++)
        {
            SetGrads(reference, step);
            SetGrads(fused, step);
            plain.step();
            ours.step();
            AssertClose(reference, fused, $"step {step + 1}");
        }
        Assert.True(fused[^1].equal(before).all().item<bool>(), "a parameter without a gradient must not move");
        Assert.False(reference[0].equal(Make(1)[0]).all().item<bool>());
    }

    [Fact]
    public void Its_state_loads_into_torchsharps_adamw_and_back()
    {
        Parameter[] a = Make(2), b = Make(2);
        using var ours = new FusedAdamW(Groups(a), 1e-2, 0.9, 0.999, 1e-8, 0.01);
        for (int step = 0; step < 3; step++)
        {
            SetGrads(a, step);
            ours.step();
        }
        var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true)) ours.save_state_dict(writer);
        for (int i = 0; i < a.Length; i++) using (torch.no_grad()) b[i].copy_(a[i]);
        using var plain = new TorchSharpAdamW(Groups(b), 1e-2);
        stream.Position = 0;
        using (var reader = new BinaryReader(stream)) plain.load_state_dict(reader);
        for (int step = 3; step < 6; step++)
        {
            SetGrads(a, step);
            SetGrads(b, step);
            ours.step();
            plain.step();
            AssertClose(b, a, $"resumed step {step + 1}");
        }
    }

    [Fact]
    public void A_non_contiguous_parameter_takes_the_unfused_path_with_the_same_result()
    {
        Parameter Transposed() => new(torch.arange(0, 60, dtype: ScalarType.Float32).reshape(6, 10).t().div(7));
        Parameter plainParam = Transposed(), fusedParam = Transposed();
        Assert.False(fusedParam.is_contiguous());
        using var plain = new TorchSharpAdamW([plainParam], 0.1, weight_decay: 0.1);
        using var ours = new FusedAdamW([new TorchSharpAdamW.ParamGroup([fusedParam], new TorchSharpAdamW.Options
            { LearningRate = 0.1, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weight_decay = 0.1, amsgrad = false, maximize = false })], 0.1, 0.9, 0.999, 1e-8, 0.1);
        for (int step = 0; step < 3; step++)
        {
            plainParam.grad = torch.ones(10, 6) * (step + 1);
            fusedParam.grad = torch.ones(10, 6) * (step + 1);
            plain.step();
            ours.step();
        }
        AssertClose([plainParam], [fusedParam], "non-contiguous");
    }

    [Fact]
    public void The_factory_builds_the_fused_optimizer_for_adamw()
    {
        using var p = new Parameter(torch.ones(4));
        using var optimizer = Optimizers.Create(Optimizers.AdamW(1e-3), [("w", p)]);
        Assert.IsType<FusedAdamW>(optimizer.Optimizer);
    }
}
