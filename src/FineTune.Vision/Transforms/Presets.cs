using FineTune.Vision.Imaging;

namespace FineTune.Vision.Transforms;

/// <summary>
/// Ready-made pipelines in timm's shape. Evaluation: resize the shorter side to floor(size / crop_pct), centre-crop
/// size, ToTensor, Normalize. Training: RandomResizedCrop, flips, colour jitter, ToTensor, Normalize — policies
/// (RandAugment, ...) and tensor transforms (random erasing) are added by the caller.
/// </summary>
public static class Presets
{
    /// <summary>timm's eval resize: <c>floor(size / cropPct)</c>.</summary>
    public static int EvalResizeSize(int size, double cropPct) => (int)Math.Floor(size / cropPct);

    /// <summary>The evaluation image transforms: shorter-side resize to floor(Size / CropPct), then centre crop Size.</summary>
    public static Compose EvalTransform(EvalPresetOptions? options = null)
    {
        options ??= new EvalPresetOptions();
        options.Validate();
        return new ComposeBuilder()
            .Resize(EvalResizeSize(options.Size, options.CropPct), options.Interpolation)
            .CenterCrop(options.Size)
            .Build();
    }

    /// <summary>The evaluation encoder: <see cref="EvalTransform"/>, then ToTensor + Normalize.</summary>
    public static SampleEncoder Eval(EvalPresetOptions? options = null)
    {
        options ??= new EvalPresetOptions();
        return new SampleEncoder(EvalTransform(options), options.Size, options.Size, options.Normalization);
    }

    /// <summary>
    /// A builder holding the training image transforms: RandomResizedCrop(Size, Scale, Ratio), horizontal and vertical
    /// flips with their probabilities, colour jitter when set. Add policies, then call
    /// <see cref="ComposeBuilder.BuildEncoder"/> (or use <see cref="Train"/> when you add nothing).
    /// </summary>
    public static ComposeBuilder TrainBuilder(TrainPresetOptions? options = null)
    {
        options ??= new TrainPresetOptions();
        options.Validate();
        var builder = new ComposeBuilder().RandomResizedCrop(new RandomResizedCropOptions
        {
            Size = options.Size, Scale = options.Scale, Ratio = options.Ratio, Interpolation = options.Interpolation,
        });
        if (options.HorizontalFlip > 0) builder.RandomHorizontalFlip(options.HorizontalFlip);
        if (options.VerticalFlip > 0) builder.RandomVerticalFlip(options.VerticalFlip);
        if (options.ColorJitter is { } cj and > 0) builder.ColorJitter(cj, cj, cj);
        return builder;
    }

    /// <summary>The training encoder: <see cref="TrainBuilder"/>'s transforms, ToTensor + Normalize, then <paramref name="tensorTransforms"/>.</summary>
    public static SampleEncoder Train(TrainPresetOptions? options = null, params ISampleTensorTransform[] tensorTransforms)
    {
        options ??= new TrainPresetOptions();
        return TrainBuilder(options).BuildEncoder(options.Size, options.Size, options.Normalization, tensorTransforms);
    }

    /// <summary>
    /// The training pipeline of the Tiny ImageNet recipe (small images upscaled to the model's size): Resize to
    /// <paramref name="size"/>×<paramref name="size"/> bicubic (no crop), horizontal flip (p 0.5), <paramref name="policy"/>
    /// (default torchvision's RandAugment(2, 9)), ToTensor + <paramref name="normalization"/> (default ImageNet), then
    /// RandomErasing with probability <paramref name="erasing"/> (torchvision's defaults: area 0.02–1/3, aspect 0.3–3.3, zeros).
    /// </summary>
    public static SampleEncoder UpscaleAugment(int size = 384, double erasing = 0.25, ITransform? policy = null, Normalization? normalization = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        var builder = new ComposeBuilder()
            .Resize(size, size, Interpolation.Bicubic)
            .RandomHorizontalFlip()
            .Add(policy ?? new TorchvisionRandAugment());
        ISampleTensorTransform[] tensor = erasing > 0 ? [new RandomErasing(erasing)] : [];
        return builder.BuildEncoder(size, size, normalization ?? Normalization.ImageNet, tensor);
    }
}
