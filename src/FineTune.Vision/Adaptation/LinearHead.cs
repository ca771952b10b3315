using FineTune.Vision.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Adaptation;

/// <summary>Dropout and a Linear classifier over pooled features (timm's head: trunc-normal std 0.02, zero bias, × init scale).</summary>
public sealed class LinearHead : VisionHead
{
    private readonly Dropout drop;
    private readonly Linear fc;

    /// <summary>Creates the head.</summary>
    public LinearHead(int inFeatures, int numClasses, double dropout = 0, double initScale = 1.0, Device? device = null) : base(nameof(LinearHead))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numClasses);
        drop = nn.Dropout(dropout);
        fc = nn.Linear(inFeatures, numClasses, device: device);
        NumClasses = numClasses;
        RegisterComponents();
        WeightInit.Linear(fc);
        ScaleClassifier(initScale);
    }

    /// <inheritdoc />
    public override HeadInput Input => HeadInput.Pooled;

    /// <inheritdoc />
    public override int NumClasses { get; }

    /// <inheritdoc />
    public override Linear Classifier => fc;

    /// <inheritdoc />
    public override Tensor forward(Tensor x) => fc.call(drop.call(x));
}
