using FineTune.Vision.Adaptation;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Optim;

/// <summary>
/// A TorchSharp optimizer together with the <see cref="ParameterGroup"/>s it was built from, so that a schedule's rate
/// (and cycled momentum) can be applied to every group with the group's <see cref="ParameterGroup.LrScale"/>.
/// Owns the TorchSharp optimizer (and its state buffers); dispose it when training ends.
/// </summary>
public sealed class TrainingOptimizer : IDisposable
{
    private readonly ParamGroup[] _torchGroups;
    private readonly double[] _multipliers;
    private bool _disposed;

    internal TrainingOptimizer(optim.Optimizer optimizer, OptimizerConfig config, IReadOnlyList<ParameterGroup> groups)
    {
        Optimizer = optimizer;
        Config = config;
        Groups = groups;
        _torchGroups = optimizer.ParamGroups.Cast<ParamGroup>().ToArray();
        if (_torchGroups.Length != groups.Count)
            throw new InvalidOperationException($"TorchSharp made {_torchGroups.Length} parameter groups for {groups.Count} requested.");
        _multipliers = Enumerable.Repeat(1.0, groups.Count).ToArray();
    }

    /// <summary>The TorchSharp optimizer.</summary>
    public optim.Optimizer Optimizer { get; }

    /// <summary>The configuration it was built with.</summary>
    public OptimizerConfig Config { get; }

    /// <summary>The parameter groups, in the optimizer's order.</summary>
    public IReadOnlyList<ParameterGroup> Groups { get; }

    /// <summary>The rate currently set on group <paramref name="index"/>.</summary>
    public double LearningRate(int index) => _torchGroups[index].LearningRate;

    /// <summary>
    /// Sets every group's rate to <paramref name="lr"/> × its <see cref="ParameterGroup.LrScale"/> × its
    /// <see cref="LrMultiplier"/>.
    /// </summary>
    public void SetLearningRate(double lr)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        for (int i = 0; i < _torchGroups.Length; i++) _torchGroups[i].LearningRate = lr * Groups[i].LrScale * _multipliers[i];
    }

    /// <summary>The run-time multiplier of group <paramref name="index"/> (1 unless <see cref="SetLrMultiplier"/> changed it).</summary>
    public double LrMultiplier(int index) => _multipliers[index];

    /// <summary>
    /// Sets a run-time multiplier on group <paramref name="index"/>'s rate, on top of its fixed
    /// <see cref="ParameterGroup.LrScale"/>, from the next <see cref="SetLearningRate"/> on (e.g. a lower rate for newly
    /// unfrozen groups). Multipliers are not saved in checkpoints: whoever sets them derives them again on resume.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is not a group's, or the multiplier is negative or not finite.</exception>
    public void SetLrMultiplier(int index, double multiplier)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _multipliers.Length);
        if (!(multiplier >= 0) || double.IsInfinity(multiplier))
            throw new ArgumentOutOfRangeException(nameof(multiplier), multiplier, "A learning-rate multiplier must be finite and ≥ 0.");
        _multipliers[index] = multiplier;
    }

    /// <summary>Sets SGD or LARS momentum, or Adam's, LAMB's or Lion's β1, on every group (momentum cycling).</summary>
    public void SetMomentum(double momentum)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        foreach (ParamGroup g in _torchGroups)
        {
            switch (g)
            {
                case SGD.ParamGroup sgd: sgd.Momentum = momentum; break;
                case AdamW.ParamGroup adamw: adamw.Betas = (momentum, adamw.Betas.Item2); break;
                case Adam.ParamGroup adam: adam.Betas = (momentum, adam.Betas.Item2); break;
                case ManagedParamGroup managed: managed.Options.Beta1 = momentum; break;
            }
        }
    }

    /// <summary>All parameters of all groups.</summary>
    public IEnumerable<Parameter> Parameters => Groups.SelectMany(g => g.Parameters.Select(p => p.Parameter));

    /// <summary>One optimizer step over the current gradients.</summary>
    public void Step()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Optimizer.step();
    }

    /// <summary>Clears the gradients of every parameter.</summary>
    public void ZeroGrad()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Optimizer.zero_grad();
    }

    /// <summary>Disposes the TorchSharp optimizer and its state. Idempotent.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Optimizer.Dispose();
    }
}
