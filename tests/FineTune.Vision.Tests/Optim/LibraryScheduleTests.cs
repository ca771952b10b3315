using FineTune.Vision.Optim.Schedules;

namespace FineTune.Vision.Tests.Optim;

/// <summary>The library's own schedules (fastai SGDR, warm-up) and the factory's error messages; timm's curves are in <see cref="TimmScheduleTests"/>.</summary>
public sealed class LibraryScheduleTests
{
    [Fact]
    public void Cosine_with_a_floor_stays_at_the_floor_after_one_cycle()
    {
        var s = new CosineWithRestarts(new() { BaseLr = 0.1, TInitial = 100, LrMin = 1e-4 });
        Assert.Equal(0.1, s.LrAt(0), 12);
        Assert.Equal((0.1 + 1e-4) / 2, s.LrAt(50), 12);
        Assert.Equal(1e-4, s.LrAt(100), 12);
        Assert.Equal(1e-4, s.LrAt(5000), 12);
    }

    [Fact]
    public void Sgdr_restarts_at_the_cycle_boundaries_fastai_uses()
    {
        // fastai fit_sgdr(n_cycles=3, cycle_len=1 epoch of 10 steps, cycle_mult=2): cycles of 10, 20, 40 steps from lr_max to 0.
        var s = new CosineWithRestarts(new() { BaseLr = 0.01, TInitial = 10, CycleMul = 2, CycleLimit = 3 });
        foreach (int restart in new[] { 0, 10, 30 }) Assert.Equal(0.01, s.LrAt(restart), 12);
        Assert.Equal(0.005, s.LrAt(10 + 10), 12);
        Assert.True(s.LrAt(69) < 1e-4);
        Assert.Equal(0, s.LrAt(70));
    }

    [Fact]
    public void Warmup_prefix_matches_hugging_face_linear_schedule()
    {
        // transformers.get_linear_schedule_with_warmup(num_warmup_steps=5, num_training_steps=100)
        var s = ScheduleFactory.Create("LinearWithWarmup", 5e-5, new Dictionary<string, string> { ["warmup_ratio"] = "0.05" }, 100);
        for (int step = 0; step < 100; step++)
        {
            double expected = step < 5 ? 5e-5 * step / 5.0 : 5e-5 * Math.Max(0, (100.0 - step) / (100 - 5));
            Assert.Equal(expected, s.LrAt(step), 15);
        }
    }

    [Fact]
    public void Warmup_without_prefix_keeps_the_inner_clock()
    {
        var inner = new CosineAnnealingLR(0.1, 100);
        var s = new Warmup(inner, 10, startLr: 0.01, prefix: false);
        Assert.Equal(0.01, s.LrAt(0), 12);
        Assert.Equal(0.01 + 5 * (0.1 - 0.01) / 10, s.LrAt(5), 12);
        Assert.Equal(inner.LrAt(10), s.LrAt(10), 12);
        Assert.Equal(inner.LrAt(60), s.LrAt(60), 12);
    }

    [Fact]
    public void Factory_errors_name_the_schedule_and_the_argument()
    {
        var unknownKind = Assert.Throws<ArgumentException>(() => ScheduleFactory.Create("CosineAnealingLR", 0.1, new Dictionary<string, string>(), 10));
        Assert.Contains("CosineAnnealingLR", unknownKind.Message);

        var missing = Assert.Throws<ArgumentException>(() => ScheduleFactory.Create("StepLR", 0.1, new Dictionary<string, string>(), 10));
        Assert.Contains("'step_size'", missing.Message);

        var malformed = Assert.Throws<ArgumentException>(() => ScheduleFactory.Create("StepLR", 0.1, new Dictionary<string, string> { ["step_size"] = "ten" }, 10));
        Assert.Contains("'ten'", malformed.Message);

        var unknownArg = Assert.Throws<ArgumentException>(() => ScheduleFactory.Create("StepLR", 0.1, new Dictionary<string, string> { ["step_size"] = "3", ["gama"] = "0.5" }, 10));
        Assert.Contains("'gama'", unknownArg.Message);
        Assert.Contains("gamma", unknownArg.Message);

        var options = Assert.Throws<ArgumentException>(() => new CyclicLR(new() { BaseLr = 0.1, MaxLr = 0.01, StepSizeUp = 0 }));
        Assert.Contains("MaxLr", options.Message);
        Assert.Contains("StepSizeUp", options.Message);
    }

    [Fact]
    public void One_cycle_refuses_steps_past_its_end()
    {
        var s = new OneCycleLR(new() { MaxLr = 0.1, TotalSteps = 10 });
        Assert.Equal(0.1 / 25 / 1e4, s.LrAt(9), 15);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => s.LrAt(10));
        Assert.Contains("10 steps", e.Message);
    }
}
