using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Models;

/// <summary>
/// One Swin stage (timm <c>swin_transformer.SwinTransformerStage</c>): <c>downsample</c> (PatchMerging, or Identity in
/// the first stage) at the start, then <c>blocks</c> alternating plain and shifted windows.
/// </summary>
public sealed class SwinTransformerStage : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> downsample;
    private readonly Sequential blocks;

    /// <summary>Creates the stage.</summary>
    /// <param name="dim">Input channels.</param>
    /// <param name="outDim">Channels after downsampling (equal to <paramref name="dim"/> without it).</param>
    /// <param name="inputResolution">Input map side.</param>
    /// <param name="downsample">Whether to merge patches first (halving the side).</param>
    /// <param name="numHeads">Attention heads.</param>
    /// <param name="windowSize">Window side.</param>
    /// <param name="mlpRatio">MLP ratio.</param>
    /// <param name="qkvBias">Bias on qkv.</param>
    /// <param name="projDrop">Projection dropout.</param>
    /// <param name="attnDrop">Attention dropout.</param>
    /// <param name="dropPath">Per-block stochastic depth rates (its length is the depth).</param>
    /// <param name="device">Device for the parameters.</param>
    public SwinTransformerStage(int dim, int outDim, int inputResolution, bool downsample, int numHeads, int windowSize,
        double mlpRatio, bool qkvBias, double projDrop, double attnDrop, IReadOnlyList<double> dropPath, Device? device = null)
        : base(nameof(SwinTransformerStage))
    {
        ArgumentNullException.ThrowIfNull(dropPath);
        int resolution = downsample ? inputResolution / 2 : inputResolution;
        this.downsample = downsample ? new PatchMerging(dim, outDim, device) : nn.Identity();
        blocks = nn.Sequential(Enumerable.Range(0, dropPath.Count).Select(i => (nn.Module<Tensor, Tensor>)new SwinTransformerBlock(
            outDim, resolution, numHeads, windowSize, i % 2 == 1, mlpRatio, qkvBias, projDrop, attnDrop, dropPath[i], device)).ToArray());
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x) => blocks.call(downsample.call(x));

    /// <summary>The stage, its blocks checkpointed one by one when <paramref name="checkpoint"/> (timm's per-block <c>checkpoint_seq</c>).</summary>
    internal Tensor Forward(Tensor x, bool checkpoint, bool stochastic, bool deviceRandom = true) =>
        GradCheckpoint.Sequence(blocks, downsample.call(x), checkpoint, stochastic, deviceRandom);
}
