using FineTune.Vision.Models;
using TorchSharp;
using static TorchSharp.torch;
using FineTune.Vision.Weights;

namespace FineTune.Vision.Tests.Models;

/// <summary>
/// Every registered model has exactly timm's parameter count at the classes timm.create_model gives it (1000; 21841 for
/// the Swin V2 ms_in22k models). Models are built on the meta device
/// (real module tree, no storage). Expected values: Fixtures/Models/timm_param_counts.py (arithmetic over timm's modules),
/// consistent with timm's published sizes (5.72M, 86.86M, 304.72M, 87.63M, 28.29M, 196.74M, 68.37M, 305.0M).
/// </summary>
public sealed class ParameterCountTests
{
    private static readonly Dictionary<string, long> Expected = new()
    {
        ["vit_tiny_patch16_224"] = 5_717_416,
        ["vit_tiny_patch16_384"] = 5_790_376,
        ["vit_small_patch16_224"] = 22_050_664,
        ["vit_small_patch16_384"] = 22_196_584,
        ["vit_base_patch16_224"] = 86_567_656,
        ["vit_base_patch16_384"] = 86_859_496,
        ["vit_large_patch16_224"] = 304_326_632,
        ["vit_large_patch16_384"] = 304_715_752,
        ["vit_base_patch32_384"] = 88_297_192,
        ["deit_tiny_patch16_224"] = 5_717_416,
        ["deit_small_patch16_224"] = 22_050_664,
        ["deit_base_patch16_224"] = 86_567_656,
        ["deit_base_patch16_384"] = 86_859_496,
        ["deit_tiny_distilled_patch16_224"] = 5_910_800,
        ["deit_small_distilled_patch16_224"] = 22_436_432,
        ["deit_base_distilled_patch16_224"] = 87_338_192,
        ["deit_base_distilled_patch16_384"] = 87_630_032,
        ["beit_base_patch16_224"] = 86_530_984,
        ["beit_base_patch16_384"] = 86_744_104,
        ["beit_large_patch16_224"] = 304_430_568,
        ["beit_large_patch16_384"] = 304_998_888,
        ["swin_tiny_patch4_window7_224"] = 28_288_354,
        ["swin_small_patch4_window7_224"] = 49_606_258,
        ["swin_base_patch4_window7_224"] = 87_768_224,
        ["swin_base_patch4_window12_384"] = 87_903_584,
        ["swin_large_patch4_window12_384"] = 196_735_516,
        // Swin V2: real timm, Fixtures/Models/timm_swinv2_param_counts.py (the ms_in22k models at their 21841 classes)
        ["swinv2_base_window12to16_192to256"] = 87_918_816,
        ["swinv2_base_window12to24_192to384"] = 87_918_816,
        ["swinv2_large_window12to16_192to256"] = 196_739_932,
        ["swinv2_large_window12to24_192to384"] = 196_739_932,
        ["swinv2_tiny_window8_256"] = 28_347_154,
        ["swinv2_tiny_window16_256"] = 28_347_154,
        ["swinv2_small_window8_256"] = 49_728_418,
        ["swinv2_small_window16_256"] = 49_728_418,
        ["swinv2_base_window8_256"] = 87_918_816,
        ["swinv2_base_window16_256"] = 87_918_816,
        ["swinv2_base_window12_192"] = 109_280_841,
        ["swinv2_large_window12_192"] = 228_772_549,
        ["cait_xxs24_224"] = 11_956_264,
        ["cait_s24_224"] = 46_916_200,
        ["cait_s24_384"] = 47_062_120,
        ["cait_s36_384"] = 68_366_632,
    };

    public static TheoryData<string> Names => new(Expected.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void Count_at_the_registered_classes_equals_timm(string name)
    {
        using var model = VisionModels.Create(name, device: new Device(DeviceType.META));
        Assert.Equal(DeviceType.META, model.parameters().First().device_type);
        Assert.Equal(Expected[name], model.parameters().Sum(p => p.numel()));
        Assert.Equal(ModelRegistry.GetPretrainedConfig(name).NumClasses, model.NumClasses);
        Assert.Equal(name.EndsWith("_192", StringComparison.Ordinal) ? 21841 : 1000, model.NumClasses);
    }

    [Fact]
    public void Every_registered_architecture_has_an_expected_count()
    {
        Assert.Equal(Expected.Keys.Order(StringComparer.Ordinal), ModelRegistry.Names);
    }
}
