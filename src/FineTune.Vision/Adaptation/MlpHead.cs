using FineTune.Vision.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Adaptation;

/// <summary>Linear, GELU, Dropout, Linear over pooled features (timm init for both Linear layers, classifier × init scale).</summary>
public sealed class MlpHead : VisionHead
{
    private readonly Linear fc1;
    private readonly GELU act;
    private readonly Dropout drop;
    private readonly Linear fc2;

    /// <summary>Creates the head.</summary>
    public MlpHead(int inFeatures, int hiddenFeatures, int numClasses, double dropout = 0, double initScale = 1.0, Device? device = null) : base(nameof(MlpHead))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numClasses);
        fc1 = nn.Linear(inFeatures, hiddenFeatures, device: device);
        act = nn.GELU();
        drop = nn.Dropout(dropout);
        fc2 = nn.Linear(hiddenFeatures, numClasses, device: device);
        NumClasses = numClasses;
        RegisterComponents();
        WeightInit.Linear(fc1);
        WeightInit.Linear(fc2);
        ScaleClassifier(initScale);
    }

    /// <inheritdoc />
    public override HeadInput Input => HeadInput.Pooled;

    /// <inheritdoc />
    public override int NumClasses { get; }

    /// <inheritdoc />
    public override Linear Classifier => fc2;

    /// <inheritdoc />
    public override Tensor forward(Tensor x) => fc2.call(drop.call(act.call(fc1.call(x))));
}
