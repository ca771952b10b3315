using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Optim;

/// <summary>
/// Per-group hyper-parameters of the library's own optimizers (timm's per-group dictionary entries): the rate, the
/// weight decay, β1/β2 (LARS: β1 is the momentum) and the group's step count (LAMB's bias correction). Saved and loaded
/// with the optimizer state, as TorchSharp's own optimizers save their options.
/// </summary>
internal sealed class GroupOptions : OptimizerOptions
{
    public double WeightDecay { get; set; }
    public double Beta1 { get; set; }
    public double Beta2 { get; set; }
    public long Step { get; set; }

    public override void SaveStateDict(BinaryWriter writer)
    {
        base.SaveStateDict(writer);
        writer.Write(WeightDecay);
        writer.Write(Beta1);
        writer.Write(Beta2);
        writer.Write(Step);
    }

    public override void LoadStateDict(BinaryReader reader)
    {
        base.LoadStateDict(reader);
        WeightDecay = reader.ReadDouble();
        Beta1 = reader.ReadDouble();
        Beta2 = reader.ReadDouble();
        Step = reader.ReadInt64();
    }

    public override void LoadStateDict(OptimizerOptions source)
    {
        base.LoadStateDict(source);
        var o = (GroupOptions)source;
        (WeightDecay, Beta1, Beta2, Step) = (o.WeightDecay, o.Beta1, o.Beta2, o.Step);
    }
}

/// <summary>A parameter group of the library's own optimizers.</summary>
internal sealed class ManagedParamGroup : ParamGroup<GroupOptions>
{
    public ManagedParamGroup(IEnumerable<Parameter> parameters, double lr, double weightDecay, double beta1, double beta2)
        : base([.. parameters], new GroupOptions { LearningRate = lr, InitialLearningRate = lr, WeightDecay = weightDecay, Beta1 = beta1, Beta2 = beta2 })
    {
    }
}

/// <summary>
/// Per-parameter state: a fixed number of buffers, each possibly not yet made (timm creates some lazily, e.g. LARS's
/// momentum buffer on the first step). Saved as TorchSharp's conditional state tensors.
/// </summary>
internal sealed class BufferState(Parameter parameter, int count) : OptimizerState(parameter), IDisposable
{
    public Tensor?[] Buffers { get; } = new Tensor?[count];

    /// <summary>Buffers are made on first use (as timm makes them), not here.</summary>
    public override void Initialize(OptimizerOptions options)
    {
    }

    public override void SaveStateDict(BinaryWriter writer)
    {
        foreach (Tensor? t in Buffers) SaveConditionalStateTensor(writer, t);
    }

    public override void LoadStateDict(BinaryReader reader)
    {
        for (int i = 0; i < Buffers.Length; i++)
        {
            LoadConditionalStateTensor(reader, ref Buffers[i], _parameter.device);
            Buffers[i]?.DetachFromDisposeScope();
        }
    }

    public override void LoadStateDict(OptimizerState source)
    {
        var other = (BufferState)source;
        for (int i = 0; i < Buffers.Length; i++)
        {
            if (!ReferenceEquals(Buffers[i], other.Buffers[i])) Buffers[i]?.Dispose();
            Buffers[i] = other.Buffers[i];
        }
    }

    public override void to(Device device)
    {
        for (int i = 0; i < Buffers.Length; i++)
        {
            if (Buffers[i] is not Tensor t || t.device == device) continue;
            Buffers[i] = t.to(device).DetachFromDisposeScope();
            t.Dispose();
        }
    }

    public void Dispose()
    {
        foreach (Tensor? t in Buffers) t?.Dispose();
    }
}

/// <summary>
/// Base of the library's own (managed) optimizers, over TorchSharp's <see cref="OptimizerHelper"/> so that
/// <c>save_state_dict</c>/<c>load_state_dict</c> (checkpoints, the LR finder) and <c>to(device)</c> work as for
/// TorchSharp's optimizers. Subclasses implement one step over all groups, under no-grad and a dispose scope.
/// </summary>
internal abstract class ManagedOptimizer : OptimizerHelper
{
    protected ManagedOptimizer(IEnumerable<ManagedParamGroup> groups, int buffers)
    {
        _parameter_groups = [];
        foreach (ManagedParamGroup g in groups)
        {
            _parameter_groups.Add(g);
            foreach (Parameter p in g.Parameters) _state[p.Handle] = new BufferState(p, buffers);
        }
        _defaults = _parameter_groups.Count > 0 ? _parameter_groups[0].Options : new GroupOptions();
    }

    protected IEnumerable<ManagedParamGroup> Groups => _parameter_groups.Cast<ManagedParamGroup>();

    protected Tensor?[] BuffersOf(Parameter p) => ((BufferState)_state[p.Handle]).Buffers;

    /// <summary>The parameters of <paramref name="group"/> that have a gradient, with it.</summary>
    protected static IEnumerable<(Parameter Parameter, Tensor Grad)> WithGrad(ManagedParamGroup group)
    {
        foreach (Parameter p in group.Parameters)
            if (p.grad is Tensor g) yield return (p, g);
    }

    /// <summary>A buffer of zeros shaped like <paramref name="p"/>, made on first use and kept outside any dispose scope.</summary>
    protected Tensor ZerosBuffer(Parameter p, int index) =>
        BuffersOf(p)[index] ??= torch.zeros_like(p).DetachFromDisposeScope();

    public override Tensor step(Func<Tensor>? closure = null)
    {
        Tensor? loss = null;
        if (closure is not null)
            using (torch.enable_grad()) loss = closure();
        using (torch.no_grad())
        using (torch.NewDisposeScope())
            StepGroups();
        return loss!;
    }

    protected abstract void StepGroups();

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing) return;
        foreach (var (_, state) in _state) ((IDisposable)state).Dispose();
    }
}
