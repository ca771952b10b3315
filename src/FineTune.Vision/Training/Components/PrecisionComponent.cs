using FineTune.Vision.Training.Precision;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Module = TorchSharp.torch.nn.Module;

namespace FineTune.Vision.Training.Components;

/// <summary>
/// Mixed precision as a component: fp32 master weights for bf16/fp16 (gradients to the masters before the step, weights
/// back after it) and, for fp16, the dynamic loss scaler (scale the loss, unscale and check the gradients, update the scale).
/// </summary>
internal sealed class PrecisionComponent : ITrainingComponent, IDisposable
{
    private bool _finite = true;

    public PrecisionComponent(Module model, TrainingPrecision precision, LossScalerOptions scalerOptions)
    {
        ComputeType = precision == TrainingPrecision.Float16 ? ScalarType.Float16 : ScalarType.BFloat16;
        Masters = new MasterWeights(model, ComputeType);
        if (precision == TrainingPrecision.Float16) Scaler = new DynamicLossScaler(scalerOptions);
    }

    public ScalarType ComputeType { get; }

    public MasterWeights Masters { get; }

    public DynamicLossScaler? Scaler { get; }

    /// <summary>The masters by state-dict name.</summary>
    public IEnumerable<(string Name, Tensor Value)> MasterTensors => Masters.Masters.Select(m => (m.Name, (Tensor)m.Master));

    public Tensor ScaleLoss(Tensor loss) => Scaler is null ? loss : Scaler.ScaleLoss(loss);

    public bool PrepareStep(IReadOnlyList<Parameter> parameters)
    {
        Masters.CopyGradientsToMasters();
        return _finite = Scaler?.UnscaleAndCheck(parameters) ?? true;
    }

    public void FinishStep(bool stepped)
    {
        Scaler?.Update(_finite);
        Masters.CopyMastersToModel();
    }

    /// <summary>Masters and scaler as they are now (the LR range test puts them back).</summary>
    public Snapshot Save() => new(ModuleState.Snapshot(MasterTensors), Scaler is null ? default : (Scaler.Scale, Scaler.GrowthTracker, Scaler.SkippedSteps));

    public void Restore(Snapshot snapshot)
    {
        ModuleState.Restore(MasterTensors, snapshot.Masters);
        ModuleState.Dispose(snapshot.Masters);
        Scaler?.Restore(snapshot.Scale.Scale, snapshot.Scale.GrowthTracker, snapshot.Scale.SkippedSteps);
    }

    public void Dispose() => Masters.Dispose();

    internal readonly record struct Snapshot(Dictionary<string, Tensor> Masters, (double Scale, int GrowthTracker, long SkippedSteps) Scale);
}
