using FineTune.Vision.Training.Precision;
using TorchSharp;

namespace FineTune.Vision.Tests.Training;

public sealed class DynamicLossScalerTests
{
    [Fact]
    public void Defaults_are_grad_scaler_defaults_and_the_scale_grows_after_2000_good_steps()
    {
        var scaler = new DynamicLossScaler();
        Assert.Equal(65536.0, scaler.Scale);
        for (int i = 0; i < 1999; i++) scaler.Update(true);
        Assert.Equal(65536.0, scaler.Scale);
        scaler.Update(true);
        Assert.Equal(131072.0, scaler.Scale);
        Assert.Equal(0, scaler.GrowthTracker);
    }

    [Fact]
    public void Overflow_backs_off_and_counts_a_skipped_step()
    {
        var scaler = new DynamicLossScaler(new() { InitScale = 1024, GrowthInterval = 3 });
        scaler.Update(true);
        scaler.Update(true);
        scaler.Update(false);
        Assert.Equal(512, scaler.Scale);
        Assert.Equal(0, scaler.GrowthTracker);
        Assert.Equal(1, scaler.SkippedSteps);
        scaler.Update(true);
        scaler.Update(true);
        scaler.Update(true);
        Assert.Equal(1024, scaler.Scale);
    }

    [Fact]
    public void Unscale_divides_gradients_and_detects_inf_and_nan()
    {
        using var scope = torch.NewDisposeScope();
        var scaler = new DynamicLossScaler(new() { InitScale = 8 });
        var w = new TorchSharp.Modules.Parameter(torch.ones(3));
        scaler.ScaleLoss((w * torch.tensor(new float[] { 1, 2, 3 })).sum()).backward();
        Assert.True(scaler.UnscaleAndCheck([w]));
        Assert.Equal(new float[] { 1, 2, 3 }, w.grad!.data<float>().ToArray());

        var v = new TorchSharp.Modules.Parameter(torch.ones(2));
        scaler.ScaleLoss((v * torch.tensor(new float[] { float.PositiveInfinity, 1 })).sum()).backward();
        Assert.False(scaler.UnscaleAndCheck([w, v]));
    }

    [Fact]
    public void Invalid_options_are_listed_together()
    {
        var e = Assert.Throws<ArgumentException>(() => new DynamicLossScaler(new() { GrowthFactor = 0.5, BackoffFactor = 2 }));
        Assert.Contains("GrowthFactor", e.Message);
        Assert.Contains("BackoffFactor", e.Message);
    }
}
