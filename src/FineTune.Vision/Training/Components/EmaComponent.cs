namespace FineTune.Vision.Training.Components;

/// <summary>Model EMA as a component: the shadows follow the weights after each optimizer step of the loop.</summary>
internal sealed class EmaComponent(ModelEma ema) : ITrainingComponent
{
    public ModelEma Ema { get; } = ema;

    public void AfterStep(long step) => Ema.Update(step);
}
