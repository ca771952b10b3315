using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace FineTune.Vision.Training.Components;

/// <summary>
/// The narrow seam between the trainer's loop and the parts that are not the loop (fastai's built-in callbacks): mixed
/// precision, model EMA, reduce-on-plateau. The loop calls every component at these points, in the order they were
/// registered; each hook is a no-op by default. Unlike <see cref="Callback"/>s, components may change the loss and
/// veto the optimizer step, and they are not user-visible.
/// </summary>
internal interface ITrainingComponent
{
    /// <summary>The loss to call backward on (loss scaling); gets the loss after the accumulation division.</summary>
    Tensor ScaleLoss(Tensor loss) => loss;

    /// <summary>Gradients are on the model, before clipping and the step; returns false when the step must be skipped (non-finite).</summary>
    bool PrepareStep(IReadOnlyList<Parameter> parameters) => true;

    /// <summary>After the optimizer step or its skip (<paramref name="stepped"/>: gradients were finite), before the gradients are cleared.</summary>
    void FinishStep(bool stepped) { }

    /// <summary>After an optimizer step of the loop (not of the LR range test), with the new step count.</summary>
    void AfterStep(long step) { }

    /// <summary>The epoch's metrics are all known (training and validation), before callbacks see the epoch's end.</summary>
    void OnEpochMetrics(TrainingContext context) { }
}
