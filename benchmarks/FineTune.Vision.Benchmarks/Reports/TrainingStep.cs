using FineTune.Vision.Models;
using FineTune.Vision.Optim;
using FineTune.Vision.Training.Precision;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Benchmarks.Reports;

/// <summary>
/// One AdamW training step of a model on a fixed random batch, in fp32 or in bf16 with fp32 master weights (the
/// Trainer's <c>TrainingPrecision.BFloat16</c> path: bf16 forward and backward, gradients copied to the masters,
/// the step on the masters, the masters written back). <c>MasterWeights</c> is internal to the library; this project
/// compiles the library's source file (see the .csproj), so the copies timed here are the Trainer's.
/// </summary>
public sealed class TrainingStep : IDisposable
{
    private readonly VisionModel _model;
    private readonly MasterWeights? _masters;
    private readonly TrainingOptimizer _optimizer;
    private readonly Tensor _x, _y;

    /// <summary>Takes ownership of <paramref name="model"/> and builds the optimizer and the batch.</summary>
    public TrainingStep(VisionModel model, int batch, bool bf16)
    {
        _model = model;
        int size = model.Config.ImgSize;
        _x = torch.randn(batch, model.Config.InChans, size, size, dtype: bf16 ? ScalarType.BFloat16 : ScalarType.Float32).DetachFromDisposeScope();
        _y = torch.randint(0, Math.Max(1, model.NumClasses), [batch]).DetachFromDisposeScope();
        if (bf16) _masters = new MasterWeights(model, ScalarType.BFloat16);
        var named = _masters?.Masters ?? model.named_parameters().Select(p => (p.name, p.parameter)).ToList();
        _optimizer = Optimizers.Create(Optimizers.AdamW(1e-4), named, model.NoWeightDecay);
        model.train();
    }

    /// <summary>Zero gradients, forward, cross entropy, backward, optimizer step.</summary>
    public void Run()
    {
        ForwardBackward();
        OptimizerStep();
    }

    /// <summary>Zero gradients, forward, cross entropy, backward.</summary>
    public void ForwardBackward()
    {
        using var scope = torch.NewDisposeScope();
        _optimizer.ZeroGrad();
        nn.functional.cross_entropy(_model.call(_x), _y).backward();
    }

    /// <summary>The optimizer step (with the master-weight copies in bf16).</summary>
    public void OptimizerStep()
    {
        using var scope = torch.NewDisposeScope();
        _masters?.CopyGradientsToMasters();
        _optimizer.Step();
        _masters?.CopyMastersToModel();
    }

    /// <summary>Disposes the model, masters, optimizer and batch.</summary>
    public void Dispose()
    {
        _optimizer.Dispose();
        _masters?.Dispose();
        _model.Dispose();
        _x.Dispose();
        _y.Dispose();
    }
}
