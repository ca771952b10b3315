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
    /// The evaluation encoder for a model's data configuration (timm's <c>create_transform(**resolve_data_config(model), is_training=False)</c>):
    /// resize the shorter side to floor(size / crop_pct) with the model's interpolation, centre-crop the model's input
    /// size, ToTensor, Normalize with the model's mean/std.
    /// </summary>
    /// <param name="config">The model's data configuration, e.g. <c>model.PretrainedConfig</c>.</param>
    public static SampleEncoder Eval(IDataConfig config) => Eval(EvalOptions(config));

    /// <summary>The <see cref="EvalPresetOptions"/> of <paramref name="config"/> (size, crop pct, interpolation, normalisation).</summary>
    public static EvalPresetOptions EvalOptions(IDataConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new EvalPresetOptions
        {
            Size = SizeOf(config), CropPct = config.CropPct, Interpolation = config.Interpolation, Normalization = config.Normalization,
        };
    }

    /// <summary>
    /// The training encoder for a model's data configuration (timm's <c>create_transform(..., is_training=True)</c>
    /// without policies): RandomResizedCrop to the model's input size with its interpolation, flips and colour jitter
    /// from <paramref name="overrides"/> (default <see cref="TrainPresetOptions"/>), ToTensor, Normalize with the model's
    /// mean/std, then <paramref name="tensorTransforms"/>. Size, interpolation and normalisation come from
    /// <paramref name="config"/>; everything else from <paramref name="overrides"/>.
    /// </summary>
    /// <param name="config">The model's data configuration, e.g. <c>model.PretrainedConfig</c>.</param>
    /// <param name="overrides">Scale, ratio, flips and jitter; its size, interpolation and normalisation are replaced by the model's.</param>
    /// <param name="tensorTransforms">Tensor stages after Normalize (e.g. random erasing).</param>
    public static SampleEncoder Train(IDataConfig config, TrainPresetOptions? overrides = null, params ISampleTensorTransform[] tensorTransforms) =>
        Train(TrainOptions(config, overrides), tensorTransforms);

    /// <summary><paramref name="overrides"/> (default <see cref="TrainPresetOptions"/>) with the size, interpolation and normalisation of <paramref name="config"/>.</summary>
    public static TrainPresetOptions TrainOptions(IDataConfig config, TrainPresetOptions? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var o = overrides ?? new TrainPresetOptions();
        return new TrainPresetOptions
        {
            Size = SizeOf(config), Scale = o.Scale, Ratio = o.Ratio, Interpolation = config.Interpolation, HorizontalFlip = o.HorizontalFlip,
            VerticalFlip = o.VerticalFlip, ColorJitter = o.ColorJitter, Normalization = config.Normalization,
        };
    }

    private static int SizeOf(IDataConfig config)
    {
        var s = config.InputSize;
        if (s is not { Count: 3 } || s[1] != s[2])
            throw new ArgumentException($"The presets need a square (channels, height, width) input size; got [{string.Join(", ", s ?? [])}].", nameof(config));
        return s[2];
    }

    /// <summary>
    /// A builder holding the training image transforms: RandomResizedCrop(Size, Scale, Ratio), horizontal and vertical
    /// flips with their probabilities, colour jitter when set. Add policies, then call
    /// <see cref="ComposeBuilder.BuildEncoder"/> (or use <see cref="Train(TrainPresetOptions?, ISampleTensorTransform[])"/> when you add nothing).
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

    /// <summary>
    /// DeiT III's 3-Augment (<c>deit/augment.py</c>, <c>new_data_aug_generator</c>): RandomResizedCrop (or DeiT's simple
    /// random crop, <see cref="ThreeAugmentOptions.SimpleRandomCrop"/>) and a horizontal flip, then per image one of
    /// grayscale, solarization (threshold 128) or Gaussian blur (σ uniform in [0.1, 2]) drawn uniformly, then colour
    /// jitter (0.3). Add <see cref="ComposeBuilder.BuildEncoder"/>, or use <see cref="ThreeAugment"/>.
    /// </summary>
    /// <remarks>
    /// DeiT blurs with Pillow's <c>ImageFilter.GaussianBlur(radius)</c> (three box blurs approximating a Gaussian of
    /// standard deviation <c>radius</c>); here the library's true Gaussian (<see cref="GaussianBlur"/>, kernel 13, σ = radius)
    /// stands in, so blurred images differ from DeiT's by a few levels. Grayscale and solarization are Pillow-exact.
    /// </remarks>
    public static ComposeBuilder ThreeAugmentBuilder(ThreeAugmentOptions? options = null)
    {
        options ??= new ThreeAugmentOptions();
        options.Validate();
        var builder = new ComposeBuilder();
        if (options.SimpleRandomCrop)
            builder.Resize(options.Size, options.Interpolation).RandomCrop(options.Size, padding: 4, paddingMode: PaddingMode.Reflect);
        else
            builder.RandomResizedCrop(new RandomResizedCropOptions { Size = options.Size, Scale = options.Scale, Interpolation = options.Interpolation });
        builder.RandomHorizontalFlip().Add(new RandomChoice(new Grayscale(), new Solarize(128), new GaussianBlur(13, 0.1, 2.0)));
        if (options.ColorJitter is { } cj and > 0) builder.ColorJitter(cj, cj, cj);
        return builder;
    }

    /// <summary>The 3-Augment training encoder: <see cref="ThreeAugmentBuilder"/>'s transforms, ToTensor + Normalize, then <paramref name="tensorTransforms"/>.</summary>
    public static SampleEncoder ThreeAugment(ThreeAugmentOptions? options = null, params ISampleTensorTransform[] tensorTransforms)
    {
        options ??= new ThreeAugmentOptions();
        return ThreeAugmentBuilder(options).BuildEncoder(options.Size, options.Size, options.Normalization, tensorTransforms);
    }
}
