using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Training;

/// <summary>
/// Running training loss (weighted by batch size) and hard-label top-1 over an epoch; its sums are saved for a
/// mid-epoch resume. The sums of the batches grow on the training device and are copied to the host only when a value is
/// read (the progress display every N batches, the epoch's end, a checkpoint), so a step does not wait for the device.
/// </summary>
internal sealed class EpochMeter : IDisposable
{
    private EpochMeterState _host;
    private Tensor? _lossSum, _correct; // device sums of the batches not yet folded into _host (float64, int64)
    private long _pendingSamples;

    public EpochMeter(EpochMeterState state = default) => _host = state;

    /// <summary>The sums so far (copies the device sums to the host: a sync).</summary>
    public EpochMeterState State
    {
        get
        {
            Flush();
            return _host;
        }
    }

    public double LossMean => State.Samples == 0 ? double.NaN : State.LossSum / State.Samples;

    public double Accuracy => State.Samples == 0 ? double.NaN : (double)State.Correct / State.Samples;

    /// <summary>Replaces the sums (the ranks' totals in distributed training).</summary>
    public void Replace(EpochMeterState state)
    {
        Dispose();
        (_host, _pendingSamples) = (state, 0);
    }

    /// <summary>Adds a batch already on the host.</summary>
    public void Add(double loss, long correct, int count) =>
        _host = new EpochMeterState(_host.LossSum + loss * count, _host.Correct + correct, _host.Samples + count);

    /// <summary>Adds a batch from its loss [] and logits [N, C] against <paramref name="labels"/> [N], without leaving the device.</summary>
    public void Add(Tensor loss, Tensor logits, Tensor labels, int count)
    {
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        Tensor lossSum = loss.detach().to(ScalarType.Float64) * count;
        Tensor correct = logits.detach().argmax(1).eq(labels).sum().to(ScalarType.Int64);
        if (_lossSum is null || _correct is null)
        {
            _lossSum = lossSum.DetachFromDisposeScope();
            _correct = correct.DetachFromDisposeScope();
        }
        else
        {
            _lossSum.add_(lossSum);
            _correct.add_(correct);
        }
        _pendingSamples += count;
    }

    /// <summary>A mark of the sums now that resolves later (<see cref="MeterMark.State"/>), without a sync now.</summary>
    public MeterMark Mark()
    {
        using var noGrad = torch.no_grad();
        return new MeterMark(_host, _lossSum?.clone().DetachFromDisposeScope(), _correct?.clone().DetachFromDisposeScope(), _pendingSamples);
    }

    private void Flush()
    {
        if (_lossSum is null || _correct is null) return;
        _host = new EpochMeterState(_host.LossSum + _lossSum.item<double>(), _host.Correct + _correct.item<long>(), _host.Samples + _pendingSamples);
        _lossSum.Dispose();
        _correct.Dispose();
        (_lossSum, _correct, _pendingSamples) = (null, null, 0);
    }

    public void Dispose()
    {
        _lossSum?.Dispose();
        _correct?.Dispose();
        (_lossSum, _correct) = (null, null);
    }
}

/// <summary>The meter's sums at an optimizer step, resolved to host numbers when first read (then its device copies go).</summary>
internal sealed class MeterMark(EpochMeterState host, Tensor? lossSum, Tensor? correct, long pendingSamples) : IDisposable
{
    private EpochMeterState? _resolved;

    public static MeterMark Of(EpochMeterState state) => new(state, null, null, 0);

    public EpochMeterState State
    {
        get
        {
            if (_resolved is { } done) return done;
            var state = lossSum is null || correct is null ? host
                : new EpochMeterState(host.LossSum + lossSum.item<double>(), host.Correct + correct.item<long>(), host.Samples + pendingSamples);
            Dispose();
            _resolved = state;
            return state;
        }
    }

    public void Dispose()
    {
        lossSum?.Dispose();
        correct?.Dispose();
        (lossSum, correct) = (null, null);
    }
}

/// <summary>The sums of an <see cref="EpochMeter"/>: loss × samples, correct predictions, samples.</summary>
internal readonly record struct EpochMeterState(double LossSum, long Correct, long Samples);
