using FineTune.Vision.Adaptation;
using FineTune.Vision.Data;
using FineTune.Vision.Models;
using FineTune.Vision.Optim;
using FineTune.Vision.Optim.Schedules;
using FineTune.Vision.Tests.Models;
using FineTune.Vision.Training;
using FineTune.Vision.Training.Precision;
using FineTune.Vision.Transforms;
using TorchSharp;

namespace FineTune.Vision.Tests.Reliability;

/// <summary>
/// Every options object and model config validates itself: one table row per bad value (out of range, NaN, infinite),
/// each giving <see cref="ArgumentException"/> that names the option and its allowed range.
/// </summary>
public sealed class OptionsValidationTests
{
    private const double NaN = double.NaN;
    private const double Inf = double.PositiveInfinity;

    /// <summary>Label, the validation to run, the option's name and the allowed range the message must give.</summary>
    public static TheoryData<string, Action, string, string> Rows()
    {
        var rows = new TheoryData<string, Action, string, string>();
        void Add(string label, Action act, string option, string range) => rows.Add(label, act, option, range);

        Add("trainer batch 0", () => new TrainerOptions { BatchSize = 0 }.Validate(), "BatchSize", "> 0");
        Add("trainer epochs -1", () => new TrainerOptions { Epochs = -1 }.Validate(), "Epochs", "> 0");
        Add("trainer accumulation 0", () => new TrainerOptions { GradientAccumulation = 0 }.Validate(), "GradientAccumulation", "≥ 1");
        Add("trainer smoothing 1", () => new TrainerOptions { LabelSmoothing = 1 }.Validate(), "LabelSmoothing", "[0, 1)");
        Add("trainer smoothing NaN", () => new TrainerOptions { LabelSmoothing = NaN }.Validate(), "LabelSmoothing", "[0, 1)");
        Add("trainer clip norm 0", () => new TrainerOptions { ClipGradNorm = 0 }.Validate(), "ClipGradNorm", "positive");
        Add("trainer recovery blank", () => new TrainerOptions { RecoveryCheckpoint = " " }.Validate(), "RecoveryCheckpoint", "file path");
        Add("trainer lr 0", () => new TrainerOptions { Optimizer = Optimizers.AdamW(0) }.Validate(), "Lr", "positive and finite");
        foreach (double lr in new[] { -1e-3, NaN, Inf })
            Add($"optimizer lr {lr}", () => (new OptimizerConfig() with { Lr = lr }).Validate(), "Lr", "positive and finite");
        foreach (double wd in new[] { -0.1, NaN, Inf })
            Add($"optimizer weight decay {wd}", () => (new OptimizerConfig() with { WeightDecay = wd }).Validate(), "WeightDecay", "≥ 0");
        Add("optimizer momentum 1", () => (new OptimizerConfig() with { Momentum = 1 }).Validate(), "Momentum", "[0, 1)");
        Add("optimizer momentum NaN", () => (new OptimizerConfig() with { Momentum = NaN }).Validate(), "Momentum", "[0, 1)");
        Add("optimizer beta2 NaN", () => (new OptimizerConfig() with { Beta2 = NaN }).Validate(), "Beta2", "[0, 1)");
        Add("optimizer eps 0", () => (new OptimizerConfig() with { Eps = 0 }).Validate(), "Eps", "> 0");
        Add("loader batch 0", () => new DataLoaderOptions { BatchSize = 0 }.Validate(), "BatchSize", "> 0");
        Add("loader workers 0", () => new DataLoaderOptions { Workers = 0 }.Validate(), "Workers", "> 0");
        Add("loader prefetch 0", () => new DataLoaderOptions { PrefetchBatches = 0 }.Validate(), "PrefetchBatches", "> 0");
        Add("mixup prob 1.5", () => new MixupCutMixOptions { NumClasses = 10, Probability = 1.5 }.Validate(), "Probability", "[0, 1]");
        Add("mixup switch NaN", () => new MixupCutMixOptions { NumClasses = 10, SwitchProbability = NaN }.Validate(), "SwitchProbability", "[0, 1]");
        Add("mixup alpha -1", () => new MixupCutMixOptions { NumClasses = 10, MixupAlpha = -1 }.Validate(), "MixupAlpha", ">= 0");
        Add("mixup classes 0", () => new MixupCutMixOptions().Validate(), "NumClasses", "number of classes");
        Add("mixup smoothing 1", () => new MixupCutMixOptions { NumClasses = 10, LabelSmoothing = 1 }.Validate(), "LabelSmoothing", "[0, 1)");
        Add("erasing prob 2", () => new RandomErasingOptions { Probability = 2 }.Validate(), "Probability", "[0, 1]");
        Add("erasing prob NaN", () => new RandomErasingOptions { Probability = NaN }.Validate(), "Probability", "[0, 1]");
        Add("randaugment prob -0.1", () => new RandAugmentOptions { Probability = -0.1 }.Validate(), "Probability", "[0, 1]");
        Add("randaugment ops -1", () => new RandAugmentOptions { NumOps = -1 }.Validate(), "NumOps", ">= 0");
        Add("tv randaugment magnitude 31", () => new TorchvisionRandAugmentOptions { Magnitude = 31 }.Validate(), "Magnitude", "[0, 31)");
        Add("trivial bins 1", () => new TrivialAugmentWideOptions { NumMagnitudeBins = 1 }.Validate(), "NumMagnitudeBins", ">= 2");
        Add("train preset flip 1.5", () => new TrainPresetOptions { HorizontalFlip = 1.5 }.Validate(), "HorizontalFlip", "[0, 1]");
        Add("train preset size 0", () => new TrainPresetOptions { Size = 0 }.Validate(), "Size", "> 0");
        Add("eval preset crop 0", () => new EvalPresetOptions { CropPct = 0 }.Validate(), "CropPct", "(0, 1]");
        Add("crop scale 0..2", () => new RandomResizedCropOptions { Scale = (0.5, 2) }.Validate(), "Scale", "0 < min <= max <= 1");
        Add("affine translate 2", () => new RandomAffineOptions { Translate = (2, 0) }.Validate(), "Translate", "[0, 1]");
        Add("head dropout 1", () => new HeadOptions { Dropout = 1 }.Validate(), "Dropout", "[0, 1)");
        Add("head hidden 0", () => new HeadOptions { HiddenFeatures = 0 }.Validate(), "HiddenFeatures", "> 0");
        Add("lora rank 0", () => new LoraOptions { Rank = 0 }.Validate(), "Rank", "> 0");
        Add("lora dropout NaN", () => new LoraOptions { Dropout = NaN }.Validate(), "Dropout", "[0, 1)");
        Add("param groups decay -1", () => new ParameterGroupOptions { WeightDecay = -1 }.Validate(), "WeightDecay", "≥ 0");
        Add("param groups decay NaN", () => new ParameterGroupOptions { WeightDecay = NaN }.Validate(), "WeightDecay", "≥ 0");
        Add("ema decay 1.5", () => new TrainerOptions { Ema = new EmaOptions { Decay = 1.5 } }.Validate(), "Decay", "[0, 1]");
        Add("ema decay NaN", () => new TrainerOptions { Ema = new EmaOptions { Decay = NaN } }.Validate(), "Decay", "[0, 1]");
        Add("loss scaler backoff 1", () => new LossScalerOptions { BackoffFactor = 1 }.Validate(), "BackoffFactor", "(0, 1)");
        Add("loss scaler growth 1", () => new LossScalerOptions { GrowthFactor = 1 }.Validate(), "GrowthFactor", "> 1");
        Add("lr finder beta NaN", () => new LrFinderOptions { Beta = NaN }.Validate(), "Beta", "[0, 1)");
        Add("lr finder end < start", () => new LrFinderOptions { StartLr = 1, EndLr = 0.5 }.Validate(), "EndLr", "> StartLr");
        Add("one-cycle pct 1", () => new OneCycleLROptions { MaxLr = 1, TotalSteps = 10, PctStart = 1 }.Validate(), "PctStart", "(0, 1)");
        Add("one-cycle pct NaN", () => new OneCycleLROptions { MaxLr = 1, TotalSteps = 10, PctStart = NaN }.Validate(), "PctStart", "(0, 1)");
        Add("one-cycle momentum 1.2", () => new OneCycleLROptions { MaxLr = 1, TotalSteps = 10, MaxMomentum = 1.2 }.Validate(), "MaxMomentum", "[0, 1)");
        Add("cyclic max < base", () => new CyclicLROptions { BaseLr = 1, MaxLr = 0.1 }.Validate(), "MaxLr", "≥ BaseLr");
        Add("cyclic momentum -1", () => new CyclicLROptions { BaseLr = 0.1, MaxLr = 1, BaseMomentum = -1 }.Validate(), "BaseMomentum", "[0, 1)");
        Add("sgdr t0 0", () => new CosineWithRestartsOptions { BaseLr = 1, TInitial = 0 }.Validate(), "TInitial", "≥ 1");
        Add("vit image not divisible by patch", () => (TinyModels.Vit with { ImgSize = 30 }).Validate(), "img_size 30", "multiple of patch_size");
        Add("vit drop path 1", () => (TinyModels.Vit with { DropPathRate = 1 }).Validate(), "drop_path_rate", "[0, 1)");
        Add("vit mlp ratio NaN", () => (TinyModels.Vit with { MlpRatio = NaN }).Validate(), "mlp_ratio", "> 0");
        Add("swin grid not divisible by stages", () => (TinyModels.Swin with { ImgSize = 34 }).Validate(), "patch grid", "divisible by");
        Add("swin window 0", () => (TinyModels.Swin with { WindowSize = 0 }).Validate(), "window_size", "> 0");
        return rows;
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void Bad_values_are_refused_naming_the_option_and_its_range(string label, Action validate, string option, string range)
    {
        var e = Assert.ThrowsAny<ArgumentException>(validate);
        Assert.True(e.Message.Contains(option, StringComparison.Ordinal) && e.Message.Contains(range, StringComparison.Ordinal),
            $"{label}: the message should name '{option}' and '{range}': {e.Message}");
    }

    [Fact]
    public void The_defaults_are_valid()
    {
        new TrainerOptions { Ema = new EmaOptions() }.Validate();
        new DataLoaderOptions().Validate();
        new MixupCutMixOptions { NumClasses = 10 }.Validate();
        new RandomErasingOptions().Validate();
        new RandAugmentOptions().Validate();
        new HeadOptions().Validate();
        new LoraOptions().Validate();
        new ParameterGroupOptions().Validate();
        new LossScalerOptions().Validate();
        new LrFinderOptions().Validate();
        new CyclicLROptions { BaseLr = 0.1, MaxLr = 1 }.Validate();
        new OneCycleLROptions { MaxLr = 1, TotalSteps = 10 }.Validate();
        TinyModels.Vit.Validate();
        TinyModels.Swin.Validate();
    }

    [Fact]
    public void A_swin_window_that_does_not_divide_the_grid_is_padded_as_in_timm()
    {
        var config = TinyModels.Swin with { WindowSize = 3 };
        config.Validate();
        using var model = new SwinTransformer(config);
        using var x = torch.randn(1, config.InChans, config.ImgSize, config.ImgSize);
        using var logits = model.call(x);
        Assert.Equal(new long[] { 1, config.NumClasses }, logits.shape);
        Assert.True(torch.isfinite(logits).all().item<bool>());
    }
}
