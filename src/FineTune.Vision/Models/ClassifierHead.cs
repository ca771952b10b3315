using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Models;

/// <summary>
/// Pool + dropout + <c>fc</c> classifier over NHWC maps (timm <c>layers/classifier.py</c> <c>ClassifierHead</c> as Swin
/// uses it): its only parameters are <c>fc.weight</c>/<c>fc.bias</c>.
/// </summary>
public sealed class ClassifierHead : nn.Module<Tensor, Tensor>
{
    private readonly Dropout drop;
    private nn.Module<Tensor, Tensor> fc;
    private readonly int inFeatures;

    /// <summary>Creates the head; with <paramref name="pool"/> = Avg the map is averaged over H and W first.</summary>
    public ClassifierHead(int inFeatures, int numClasses, GlobalPool pool, double dropRate, Device? device = null) : base(nameof(ClassifierHead))
    {
        this.inFeatures = inFeatures;
        Pool = pool;
        drop = nn.Dropout(dropRate);
        fc = VisionModel.NewHead(inFeatures, numClasses, device);
        RegisterComponents();
    }

    /// <summary>The pooling applied before the classifier.</summary>
    public GlobalPool Pool { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor x) => Forward(x, preLogits: false);

    /// <summary>Pooled features (<paramref name="preLogits"/>) or logits.</summary>
    public Tensor Forward(Tensor x, bool preLogits)
    {
        ArgumentNullException.ThrowIfNull(x);
        var pooled = drop.call(Pool == GlobalPool.Avg ? x.mean([1, 2]) : x);
        return preLogits ? pooled.alias() : fc.call(pooled);
    }

    /// <summary>Replaces <c>fc</c> with a fresh classifier for <paramref name="numClasses"/> outputs on <paramref name="device"/>.</summary>
    public void Reset(int numClasses, Device? device = null)
    {
        var old = fc;
        fc = VisionModel.NewHead(inFeatures, numClasses, device);
        register_module(nameof(fc), null!);
        register_module(nameof(fc), fc);
        old.Dispose();
    }
}
