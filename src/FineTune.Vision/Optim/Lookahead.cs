using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Optim;

/// <summary>
/// timm's <c>Lookahead</c> (timm/optim/lookahead.py) around any TorchSharp optimizer built over
/// <see cref="OptimizerHelper"/>: after every k-th inner step of a group, each of its parameters that has a gradient
/// moves its slow copy by α toward the fast weights and the fast weights are reset to it. Shares the inner optimizer's
/// parameter groups (rates set on either apply to both); owns and disposes the inner optimizer.
/// </summary>
internal sealed class Lookahead : OptimizerHelper
{
    private readonly OptimizerHelper _inner;
    private readonly double _alpha;
    private readonly int _k;
    private readonly GroupCounter[] _counters;

    /// <summary>The per-group <c>lookahead_step</c>, shared by the states of the group's parameters (which save it).</summary>
    internal sealed class GroupCounter { public long Value; }

    /// <summary>A parameter's inner state, its slow weights (made at the first synchronisation) and its group's counter.</summary>
    internal sealed class State(Parameter parameter, OptimizerState inner, GroupCounter counter) : OptimizerState(parameter), IDisposable
    {
        public OptimizerState Inner { get; } = inner;
        public GroupCounter Counter { get; } = counter;
        public Tensor? Slow;

        /// <summary>The slow weights are made at the first synchronisation (as timm makes them), not here.</summary>
        public override void Initialize(OptimizerOptions options)
        {
        }

        public override void SaveStateDict(BinaryWriter writer)
        {
            Inner.SaveStateDict(writer);
            writer.Write(Counter.Value);
            SaveConditionalStateTensor(writer, Slow);
        }

        public override void LoadStateDict(BinaryReader reader)
        {
            Inner.LoadStateDict(reader);
            Counter.Value = reader.ReadInt64();
            LoadConditionalStateTensor(reader, ref Slow, _parameter.device);
            Slow?.DetachFromDisposeScope();
        }

        public override void LoadStateDict(OptimizerState source)
        {
            var other = (State)source;
            Inner.LoadStateDict(other.Inner);
            Counter.Value = other.Counter.Value;
            if (!ReferenceEquals(Slow, other.Slow)) Slow?.Dispose();
            Slow = other.Slow;
        }

        public override void to(Device device)
        {
            Inner.to(device);
            if (Slow is not Tensor t || t.device == device) return;
            Slow = t.to(device).DetachFromDisposeScope();
            t.Dispose();
        }

        public void Dispose()
        {
            Slow?.Dispose();
            Slow = null;
        }
    }

    public Lookahead(OptimizerHelper inner, double alpha, int k)
    {
        (_inner, _alpha, _k) = (inner, alpha, k);
        _parameter_groups = [.. inner.ParamGroups.Cast<ParamGroup>()];
        _counters = [.. _parameter_groups.Select(_ => new GroupCounter())];
        var innerStates = inner.state_dict().State;
        int index = 0;
        for (int g = 0; g < _parameter_groups.Count; g++)
            foreach (Parameter p in _parameter_groups[g].Parameters)
                _state[p.Handle] = new State(p, innerStates[index++], _counters[g]);
        _defaults = _parameter_groups.Count > 0 ? _parameter_groups[0].Options : new OptimizerOptions();
    }

    public override Tensor step(Func<Tensor>? closure = null)
    {
        Tensor loss = _inner.step(closure);
        using (torch.no_grad())
        using (torch.NewDisposeScope())
        {
            for (int g = 0; g < _parameter_groups.Count; g++)
                if (++_counters[g].Value % _k == 0) UpdateSlow(_parameter_groups[g]);
        }
        return loss;
    }

    private void UpdateSlow(ParamGroup group)
    {
        foreach (Parameter fast in group.Parameters)
        {
            if (fast.grad is null) continue;
            var state = (State)_state[fast.Handle];
            state.Slow ??= fast.detach().clone().DetachFromDisposeScope();
            state.Slow.add_(fast - state.Slow, alpha: _alpha);
            fast.copy_(state.Slow);
        }
    }

    public override void zero_grad() => _inner.zero_grad();

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing) return;
        foreach (var (_, state) in _state) ((State)state).Dispose();
        _inner.Dispose();
    }
}
