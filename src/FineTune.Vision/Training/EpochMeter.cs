namespace FineTune.Vision.Training;

/// <summary>Running training loss (weighted by batch size) and hard-label top-1 over an epoch; its sums are saved for a mid-epoch resume.</summary>
internal sealed class EpochMeter
{
    public EpochMeter(EpochMeterState state = default) => State = state;

    /// <summary>The sums so far.</summary>
    public EpochMeterState State { get; private set; }

    public double LossMean => State.Samples == 0 ? double.NaN : State.LossSum / State.Samples;

    public double Accuracy => State.Samples == 0 ? double.NaN : (double)State.Correct / State.Samples;

    public void Add(double loss, long correct, int count) =>
        State = new EpochMeterState(State.LossSum + loss * count, State.Correct + correct, State.Samples + count);
}

/// <summary>The sums of an <see cref="EpochMeter"/>: loss × samples, correct predictions, samples.</summary>
internal readonly record struct EpochMeterState(double LossSum, long Correct, long Samples);
