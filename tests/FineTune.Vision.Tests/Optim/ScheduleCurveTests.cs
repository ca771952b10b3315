using FineTune.Vision.Optim.Schedules;

namespace FineTune.Vision.Tests.Optim;

public sealed class ScheduleCurveTests
{
    [Fact]
    public void Csv_has_one_row_per_step_with_the_rate_used()
    {
        var curve = ScheduleCurve.Evaluate(new StepLR(0.1, 2, 0.5), 5);
        var writer = new StringWriter();
        curve.WriteCsv(writer);
        Assert.Equal(["step,lr", "0,0.1", "1,0.1", "2,0.05", "3,0.05", "4,0.025"], writer.ToString().TrimEnd().Split(Environment.NewLine));
    }

    [Fact]
    public void Momentum_column_appears_for_cycling_schedules()
    {
        var curve = ScheduleCurve.Evaluate(new OneCycleLR(new() { MaxLr = 1, TotalSteps = 10 }), 10);
        Assert.NotNull(curve.Momentum);
        var writer = new StringWriter();
        curve.WriteCsv(writer);
        Assert.StartsWith("step,lr,momentum", writer.ToString());
        Assert.Equal(0.95, curve.Momentum![0], 12);
    }

    [Fact]
    public void Png_plot_is_written()
    {
        string path = Path.Combine(Path.GetTempPath(), $"ftv-schedule-{Guid.NewGuid():N}.png");
        try
        {
            ScheduleCurve.Evaluate(new CyclicLR(new() { BaseLr = 0.001, MaxLr = 0.1, StepSizeUp = 10 }), 60).SavePng(path, 400, 300);
            byte[] png = File.ReadAllBytes(path);
            Assert.True(png.Length > 1000);
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
