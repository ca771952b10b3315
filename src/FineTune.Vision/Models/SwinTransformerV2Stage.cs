using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Models;

/// <summary>
/// One Swin V2 stage (timm <c>swin_transformer_v2.SwinTransformerV2Stage</c>): <c>downsample</c> (V2 patch merging, or
/// Identity in the first stage) at the start, then <c>blocks</c> alternating plain and shifted windows.
/// </summary>
internal sealed class SwinTransformerV2Stage : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> downsample;
    private readonly Sequential blocks;

    /// <summary>Creates the stage; <paramref name="dropPath"/> holds one stochastic-depth rate per block (its length is the depth).</summary>
    public SwinTransformerV2Stage(int dim, int outDim, int inputResolution, bool downsample, int numHeads, int windowSize, int pretrainedWindowSize,
        double mlpRatio, bool qkvBias, double projDrop, double attnDrop, IReadOnlyList<double> dropPath, Device? device = null)
        : base(nameof(SwinTransformerV2Stage))
    {
        int resolution = downsample ? inputResolution / 2 : inputResolution;
        this.downsample = downsample ? new PatchMergingV2(dim, outDim, device) : nn.Identity();
        blocks = nn.Sequential(Enumerable.Range(0, dropPath.Count).Select(i => (nn.Module<Tensor, Tensor>)new SwinTransformerV2Block(
            outDim, resolution, numHeads, windowSize, i % 2 == 1, mlpRatio, qkvBias, projDrop, attnDrop, dropPath[i], pretrainedWindowSize, device)).ToArray());
        RegisterComponents();
    }

    /// <summary>The stage's blocks.</summary>
    public IEnumerable<SwinTransformerV2Block> Blocks => blocks.children().Cast<SwinTransformerV2Block>();

    /// <inheritdoc />
    public override Tensor forward(Tensor x) => blocks.call(downsample.call(x));

    /// <summary>The stage, its blocks checkpointed one by one when <paramref name="checkpoint"/> (timm's per-block <c>checkpoint</c>).</summary>
    public Tensor Forward(Tensor x, bool checkpoint, bool stochastic) => GradCheckpoint.Sequence(blocks, downsample.call(x), checkpoint, stochastic);
}
