using static TorchSharp.torch;

namespace FineTune.Vision.Adaptation;

/// <summary>The head factory: linear, MLP and fastai's concat-pool head.</summary>
public static class Heads
{
    /// <summary>Builds the head that <paramref name="options"/> describe.</summary>
    /// <param name="options">Kind, hidden width, dropout, init scale.</param>
    /// <param name="inFeatures">The backbone's feature width.</param>
    /// <param name="numClasses">Outputs (≥ 1).</param>
    /// <param name="prefixTokens">Prefix tokens left out of the concat pooling.</param>
    /// <param name="device">Device of the parameters.</param>
    public static VisionHead Create(HeadOptions options, int inFeatures, int numClasses, int prefixTokens = 0, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inFeatures);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numClasses);
        double p = options.EffectiveDropout;
        return options.Kind switch
        {
            HeadKind.Mlp => new MlpHead(inFeatures, options.HiddenFeatures, numClasses, p, options.InitScale, device),
            HeadKind.ConcatPool => new ConcatPoolHead(inFeatures, numClasses, options.HiddenFeatures, p, prefixTokens, options.InitScale, device),
            _ => new LinearHead(inFeatures, numClasses, p, options.InitScale, device),
        };
    }
}
