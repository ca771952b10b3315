using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Models;

/// <summary>
/// Stochastic depth per sample (timm <c>layers/drop.py</c> <c>DropPath</c>): in training, each sample's residual branch
/// is zeroed with probability <see cref="DropProb"/> and the survivors are scaled by 1 / keep probability.
/// In evaluation it returns an alias of its input.
/// </summary>
public sealed class DropPath : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the module.</summary>
    /// <param name="dropProb">Probability of dropping a sample's branch, in [0, 1).</param>
    /// <param name="scaleByKeep">Divide kept branches by the keep probability (timm's default).</param>
    public DropPath(double dropProb, bool scaleByKeep = true) : base(nameof(DropPath))
    {
        ArgumentOutOfRangeException.ThrowIfNegative(dropProb);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(dropProb, 1.0);
        DropProb = dropProb;
        ScaleByKeep = scaleByKeep;
        RegisterComponents();
    }

    /// <summary>The drop probability.</summary>
    public double DropProb { get; }

    /// <summary>Whether kept branches are scaled by 1 / (1 - <see cref="DropProb"/>).</summary>
    public bool ScaleByKeep { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        if (DropProb == 0.0 || !training) return x.alias();
        double keep = 1.0 - DropProb;
        var shape = new long[x.dim()];
        Array.Fill(shape, 1L);
        shape[0] = x.shape[0];
        // The per-sample mask ([B, 1, …], a few bytes) comes from the CPU generator on every device: activation
        // checkpointing can then replay it on CUDA, whose generator state TorchSharp does not expose. On the CPU this is
        // the same draw as before.
        using var scope = NewDisposeScope();
        Tensor mask = empty(shape, x.dtype, CPU).bernoulli_(keep);
        if (ScaleByKeep) mask.div_(keep);
        if (x.device_type != DeviceType.CPU) mask = mask.to(x.device);
        return (x * mask).MoveToOuterDisposeScope();
    }
}
