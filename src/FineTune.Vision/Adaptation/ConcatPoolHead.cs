using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Adaptation;

/// <summary>
/// fastai's <c>create_head</c> with its defaults over a transformer's tokens: max and average pooling over the patch
/// tokens (prefix tokens skipped; Swin's NHWC map flattened), concatenated max-first as <c>AdaptiveConcatPool2d</c>, then
/// BatchNorm1d(2C), Dropout(ps/2), Linear(2C, hidden, no bias), ReLU, BatchNorm1d(hidden), Dropout(ps),
/// Linear(hidden, classes, no bias). Linear weights are Kaiming-normal as fastai's <c>apply_init</c>; the classifier
/// is then scaled by the init scale.
/// </summary>
public sealed class ConcatPoolHead : VisionHead
{
    private readonly BatchNorm1d bn1;
    private readonly Dropout drop1;
    private readonly Linear fc1;
    private readonly ReLU act;
    private readonly BatchNorm1d bn2;
    private readonly Dropout drop2;
    private readonly Linear fc2;
    private readonly int prefixTokens;

    /// <summary>Creates the head.</summary>
    /// <param name="inFeatures">Token width C.</param>
    /// <param name="numClasses">Outputs.</param>
    /// <param name="hiddenFeatures">fastai's <c>lin_ftrs</c> (512).</param>
    /// <param name="ps">fastai's <c>ps</c> (0.5).</param>
    /// <param name="prefixTokens">Class/distillation tokens at the start of the sequence, left out of the pooling.</param>
    /// <param name="initScale">Multiplier on the classifier's initial weight.</param>
    /// <param name="device">Device of the parameters.</param>
    public ConcatPoolHead(int inFeatures, int numClasses, int hiddenFeatures = 512, double ps = 0.5, int prefixTokens = 0, double initScale = 1.0, Device? device = null)
        : base(nameof(ConcatPoolHead))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numClasses);
        ArgumentOutOfRangeException.ThrowIfNegative(prefixTokens);
        this.prefixTokens = prefixTokens;
        bn1 = nn.BatchNorm1d(2 * inFeatures, device: device);
        drop1 = nn.Dropout(ps / 2);
        fc1 = nn.Linear(2 * inFeatures, hiddenFeatures, hasBias: false, device: device);
        act = nn.ReLU();
        bn2 = nn.BatchNorm1d(hiddenFeatures, device: device);
        drop2 = nn.Dropout(ps);
        fc2 = nn.Linear(hiddenFeatures, numClasses, hasBias: false, device: device);
        NumClasses = numClasses;
        RegisterComponents();
        using (no_grad())
        {
            nn.init.kaiming_normal_(fc1.weight!);
            nn.init.kaiming_normal_(fc2.weight!);
        }
        ScaleClassifier(initScale);
    }

    /// <inheritdoc />
    public override HeadInput Input => HeadInput.Features;

    /// <inheritdoc />
    public override int NumClasses { get; }

    /// <inheritdoc />
    public override Linear Classifier => fc2;

    /// <inheritdoc />
    public override Tensor forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var tokens = x.dim() == 4 ? x.flatten(1, 2) : x;
        tokens = tokens.narrow(1, prefixTokens, tokens.shape[1] - prefixTokens);
        var pooled = cat([tokens.amax([1]), tokens.mean([1])], 1);
        var h = act.call(fc1.call(drop1.call(bn1.call(pooled))));
        return fc2.call(drop2.call(bn2.call(h)));
    }
}
