using FineTune.Vision.Core;
using FineTune.Vision.Data;
using FineTune.Vision.Models;
using FineTune.Vision.Optim;
using FineTune.Vision.Optim.Schedules;
using FineTune.Vision.Training.Components;
using FineTune.Vision.Training.Losses;
using FineTune.Vision.Transforms;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Training;

public sealed partial class Trainer
{
    /// <summary>Stream tag of the batch-transform generator in <see cref="SeedMixer"/>.</summary>
    private const long MixingStream = 0x4D49585F;

    /// <summary>Stream tag of the torch generator reseeded per batch (dropout, drop path).</summary>
    private const long TorchStream = 0x544F5243;

    /// <summary>
    /// One micro-batch: forward, loss, backward, and the optimizer step when <paramref name="stepNow"/>. Returns the loss
    /// when <paramref name="lossValue"/> (a host sync), else NaN: the loop itself never waits for the device; the meter
    /// and <see cref="TrainingContext.LossValue"/> copy values only when read.
    /// </summary>
    internal double TrainBatch(Batch batch, bool stepNow, double lr, EpochMeter? meter, bool raise, bool lossValue = false)
    {
        using var scope = torch.NewDisposeScope();
        // Every random draw of the step depends only on (seed, epoch, batch): resuming replays it exactly.
        torch.random.manual_seed(SeedMixer.Mix(Options.Seed, TorchStream, batch.Epoch, batch.Index));
        Tensor images = PrepareImages(batch.Images), labels = batch.Labels.to(_device);
        Tensor? targets = Options.Mixing?.Apply(images, labels, SeedMixer.Create(Options.Seed, MixingStream, batch.Epoch, batch.Index));
        if (ComputeType != ScalarType.Float32) images = images.to(ComputeType);
        (Context.Images, Context.Labels, Context.Targets, Context.BatchSize) = (images, labels, targets, batch.Count);
        if (raise) Raise(TrainingEvent.BatchStart);
        (Tensor logits, Tensor loss) = Forward(images, labels, targets);
        (Context.Logits, Context.Loss) = (logits, loss);
        Context.BeginLossValue(lossValue ? loss.item<float>() : null);
        double value = lossValue ? Context.LossValue : double.NaN;
        if (raise) Raise(TrainingEvent.AfterLoss);
        meter?.Add(loss, logits, labels, batch.Count);
        if (!Context.SkipStep) Backward(loss);
        if (Options.Sam is { } sam && !Context.SkipStep) SharpnessAwareBackward(sam, images, labels, targets);
        if (stepNow) OptimizerStep(lr, raise);
        if (raise) Raise(TrainingEvent.BatchEnd);
        Context.ClearBatch();
        return value;
    }

    /// <summary>
    /// The model's logits and the loss: <see cref="TrainerOptions.Loss"/> (given a distilled DeiT's two heads when it asks
    /// for them), or the default, soft-target cross entropy on mixed targets and label-smoothing cross entropy otherwise.
    /// </summary>
    private (Tensor Logits, Tensor Loss) Forward(Tensor images, Tensor labels, Tensor? targets)
    {
        LossFunction lossFunction = Options.Loss ?? _defaultLoss;
        (Tensor logits, Tensor? distLogits) = lossFunction.UsesDistillationHead && _model is VisionTransformerDistilled distilled
            ? distilled.ForwardDistilled(images)
            : (_model.Module.call(images), null);
        return (logits, lossFunction.Forward(new LossInput(logits, labels, targets, images, distLogits)));
    }

    /// <summary>
    /// SAM's second pass (the first gradients are in place): weights moved uphill along them, gradients cleared and
    /// computed again at the moved weights (same batch, the step's dropout and drop path drawn afresh), weights put back.
    /// The optimizer then steps with the second gradients. The reported loss and metrics stay the first pass's.
    /// </summary>
    private void SharpnessAwareBackward(SamOptions sam, Tensor images, Tensor labels, Tensor? targets)
    {
        var moved = SharpnessAwareMinimization.Perturb(_model.Module.parameters().Where(p => p.requires_grad), sam);
        try
        {
            // The model's own gradients (with bf16 they are not the optimizer's fp32 masters, which get the second ones later).
            foreach (Parameter p in _model.Module.parameters()) p.grad?.zero_();
            (_, Tensor loss) = Forward(images, labels, targets);
            Backward(loss);
        }
        finally
        {
            SharpnessAwareMinimization.Restore(moved);
        }
    }

    /// <summary>The batch as float images on the device: uint8 batches are normalised there (a new tensor), float ones moved.</summary>
    private Tensor PrepareImages(Tensor images)
    {
        if (images.dtype == ScalarType.Byte) return (_uint8 ??= CreateUInt8Normalizer()).Normalize(images);
        if (!images.is_floating_point())
            throw new InvalidOperationException(
                $"Batches must be float images or uint8 pixels; got {images.dtype}. Use an encoder source (dataset.With(encoder)) or a uint8 source (dataset.WithUInt8(height, width)).");
        // A private copy: batch transforms edit in place, and the loader's tensor is reused.
        return Options.Mixing is null ? images.to(_device) : images.to(_device).clone();
    }

    private UInt8BatchNormalizer CreateUInt8Normalizer()
    {
        Normalization n = Options.UInt8Normalization ?? _model.PretrainedConfig.Normalization;
        return new UInt8BatchNormalizer([n.Mean.R, n.Mean.G, n.Mean.B], [n.Std.R, n.Std.G, n.Std.B], _device);
    }

    private void Backward(Tensor loss)
    {
        if (Options.GradientAccumulation > 1) loss = loss / Options.GradientAccumulation;
        foreach (ITrainingComponent c in _components) loss = c.ScaleLoss(loss);
        loss.backward();
    }

    /// <summary>Components prepare the gradients (masters, unscale, check); clip, step (unless skipped), components finish; clear; after-step.</summary>
    private void OptimizerStep(double lr, bool raise)
    {
        List<Parameter> parameters = [.. Optimizer.Parameters];
        // Distributed: the model's gradients become the ranks' mean before anything reads them, so unscaling,
        // the finite check, clipping and the step see the same gradients on every rank.
        ReduceGradients();
        bool finite = true;
        foreach (ITrainingComponent c in _components) finite &= c.PrepareStep(parameters);
        ClipGradients(parameters);
        Context.LearningRate = lr;
        if (raise) Raise(TrainingEvent.BeforeStep);
        if (finite && !Context.SkipStep)
        {
            Optimizer.SetLearningRate(lr);
            if (_schedule is IMomentumSchedule { CyclesMomentum: true } momentum) Optimizer.SetMomentum(momentum.MomentumAt(Context.Step));
            Optimizer.Step();
        }
        foreach (ITrainingComponent c in _components) c.FinishStep(finite);
        Optimizer.ZeroGrad();
        if (!raise) return;
        Context.Step++;
        foreach (ITrainingComponent c in _components) c.AfterStep(Context.Step);
        MarkStepBoundary();
        Raise(TrainingEvent.AfterStep);
    }

    private void ClipGradients(List<Parameter> parameters)
    {
        if (Options.ClipGradValue is null && Options.ClipGradNorm is null && Options.ClipGradAgc is null) return;
        var withGrad = parameters.Where(p => p.grad is not null).ToList();
        if (withGrad.Count == 0) return;
        if (Options.ClipGradAgc is double factor) AdaptiveGradientClipping.Clip(withGrad, factor);
        if (Options.ClipGradValue is double value) nn.utils.clip_grad_value_(withGrad, value);
        if (Options.ClipGradNorm is double norm) nn.utils.clip_grad_norm_(withGrad, norm);
    }

    private ScalarType ComputeType => _precision?.ComputeType ?? ScalarType.Float32;
}
