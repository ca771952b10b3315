using FineTune.Vision.Optim.Schedules;

namespace FineTune.Vision.Tests.Optim;

/// <summary>SequentialLR: each schedule on its own clock from its milestone, momentum from the one in force.</summary>
public sealed class SequentialLRTests
{
    private static OneCycleLR Cycle(double peak, long steps, double pct) => new(new OneCycleLROptions { MaxLr = peak, TotalSteps = steps, PctStart = pct });

    [Fact]
    public void Each_schedule_runs_on_its_own_clock_from_its_milestone()
    {
        OneCycleLR a = Cycle(1e-2, 10, 0.99), b = Cycle(5e-3, 20, 0.3);
        var s = new SequentialLR([a, b], [10]);
        for (long t = 0; t < 10; t++)
        {
            Assert.Equal(a.LrAt(t), s.LrAt(t));
            Assert.Equal(a.MomentumAt(t), s.MomentumAt(t));
        }
        for (long t = 10; t < 30; t++)
        {
            Assert.Equal(b.LrAt(t - 10), s.LrAt(t));
            Assert.Equal(b.MomentumAt(t - 10), s.MomentumAt(t));
        }
        Assert.Equal(5e-3 / 25, s.LrAt(10), 15);          // the second cycle restarts from its own initial rate
        Assert.True(s.CyclesMomentum);
    }

    [Fact]
    public void Three_phases_and_a_schedule_without_momentum()
    {
        var s = new SequentialLR([new ConstantLR(0.1, 1.0, 0), new StepLR(0.1, 2, 0.5), new ConstantLR(0.01, 1.0, 0)], [3, 7]);
        Assert.Equal([0.1, 0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.01, 0.01], Enumerable.Range(0, 9).Select(t => s.LrAt(t)));
        Assert.False(s.CyclesMomentum);
        Assert.Throws<InvalidOperationException>(() => s.MomentumAt(0));
    }

    [Fact]
    public void Milestones_must_fit_the_schedules()
    {
        ILrSchedule c = new ConstantLR(0.1, 1.0, 0);
        Assert.Contains("2 schedules need 1 milestones", Assert.Throws<ArgumentException>(() => new SequentialLR([c, c], [])).Message);
        Assert.Contains("strictly increasing", Assert.Throws<ArgumentException>(() => new SequentialLR([c, c, c], [5, 5])).Message);
        Assert.Contains("strictly increasing", Assert.Throws<ArgumentException>(() => new SequentialLR([c, c], [0])).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SequentialLR([c], []).LrAt(-1));
    }
}
