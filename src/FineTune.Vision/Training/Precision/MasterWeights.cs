using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Module = TorchSharp.torch.nn.Module;

namespace FineTune.Vision.Training.Precision;

/// <summary>
/// Mixed precision with fp32 master weights (TorchSharp has no autocast): the model computes in bf16 or fp16, while
/// the optimizer updates an fp32 copy of every parameter. After backward, <see cref="CopyGradientsToMasters"/> moves the
/// low-precision gradients onto the masters in fp32; after the optimizer step, <see cref="CopyMastersToModel"/> writes
/// the updated weights back, rounded to the compute type. Build the optimizer over <see cref="Masters"/>.
/// </summary>
/// <remarks>Integer buffers (e.g. relative position indices) keep their type; floating buffers follow the compute type.</remarks>
internal sealed class MasterWeights : IDisposable
{
    private readonly Module _model;
    private readonly List<(string Name, Parameter Master)> _masters = [];
    private bool _disposed;

    /// <summary>Converts <paramref name="model"/> (fp32) to <paramref name="computeType"/> and keeps fp32 masters of its parameters.</summary>
    /// <exception cref="ArgumentException">The compute type is not bf16 or fp16, or a parameter is not fp32.</exception>
    public MasterWeights(Module model, ScalarType computeType)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (computeType is not (ScalarType.BFloat16 or ScalarType.Float16))
            throw new ArgumentException($"Mixed precision computes in BFloat16 or Float16, not {computeType}.", nameof(computeType));
        _model = model;
        ComputeType = computeType;
        foreach (var (name, p) in model.named_parameters())
        {
            if (p.dtype != ScalarType.Float32)
                throw new ArgumentException($"Parameter '{name}' is {p.dtype}; master weights are made from an fp32 model.", nameof(model));
            var master = new Parameter(p.detach().clone(), p.requires_grad);
            master.DetachFromDisposeScope();
            _masters.Add((name, master));
        }
        model.to(computeType);
    }

    /// <summary>The compute type of the model.</summary>
    public ScalarType ComputeType { get; }

    /// <summary>The fp32 master parameters, by the model's parameter names (build the optimizer over these).</summary>
    public IReadOnlyList<(string Name, Parameter Master)> Masters => _masters;

    /// <summary>Sets each master's gradient to the model parameter's gradient in fp32 (null where the model has none).</summary>
    public void CopyGradientsToMasters()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var current = ModelParameters();
        foreach (var (name, master) in _masters)
        {
            Tensor? grad = current[name].grad;
            master.grad?.Dispose();
            master.grad = grad is null ? null : grad.detach().to(ScalarType.Float32).DetachFromDisposeScope();
        }
    }

    /// <summary>Writes the masters back into the model (rounded to the compute type) and clears the model's gradients.</summary>
    public void CopyMastersToModel()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var noGrad = torch.no_grad();
        var current = ModelParameters();
        foreach (var (name, master) in _masters)
        {
            Parameter p = current[name];
            p.copy_(master);
            p.grad = null;
            p.requires_grad = master.requires_grad;
        }
    }

    /// <summary>Copies the fp32 masters into <paramref name="target"/> (an fp32 model of the same architecture), e.g. to save exact weights.</summary>
    public void CopyMastersTo(Module target)
    {
        ArgumentNullException.ThrowIfNull(target);
        using var noGrad = torch.no_grad();
        var parameters = target.named_parameters().ToDictionary(x => x.name, x => x.parameter);
        foreach (var (name, master) in _masters) parameters[name].copy_(master);
    }

    private Dictionary<string, Parameter> ModelParameters() => _model.named_parameters().ToDictionary(x => x.name, x => x.parameter);

    /// <summary>Disposes the master copies. Idempotent.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var (_, master) in _masters)
        {
            master.grad?.Dispose();
            master.Dispose();
        }
        _masters.Clear();
    }
}
