using FineTune.Vision.Cli;

namespace FineTune.Vision.Tests.Cli;

public sealed class ScheduleVerbTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ftv-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Writes_one_row_per_step_with_pytorch_names_and_a_png()
    {
        string csv = Path.Combine(_dir, "lr.csv"), png = Path.Combine(_dir, "lr.png");
        var output = new StringWriter();
        int code = ScheduleVerb.Run(CliApp.Parse(
            ["schedule", "--kind", "OneCycleLR", "--lr", "0.1", "--set", "max_lr=0.1", "--set", "pct_start=0.25", "--steps", "40", "--csv", csv, "--png", png]), output);

        Assert.Equal(0, code);
        string[] lines = File.ReadAllLines(csv);
        Assert.Equal("step,lr,momentum", lines[0]);
        Assert.Equal(41, lines.Length);
        string[] first = lines[1].Split(',');
        Assert.Equal("0", first[0]);
        Assert.Equal(0.1 / 25, double.Parse(first[1], System.Globalization.CultureInfo.InvariantCulture), 15);
        Assert.Equal(0.95, double.Parse(first[2], System.Globalization.CultureInfo.InvariantCulture), 15);
        Assert.True(new FileInfo(png).Length > 1000);
    }

    [Fact]
    public void Unknown_options_and_bad_values_are_named()
    {
        var typo = Assert.Throws<UsageException>(() => ScheduleVerb.Run(CliApp.Parse(
            ["schedule", "--kind", "StepLR", "--lr", "0.1", "--set", "step_size=3", "--steps", "5", "--csv", Path.Combine(_dir, "a.csv"), "--pgn", "x.png"]), TextWriter.Null));
        Assert.Contains("--pgn", typo.Message);

        var steps = Assert.Throws<UsageException>(() => ScheduleVerb.Run(CliApp.Parse(
            ["schedule", "--kind", "StepLR", "--lr", "0.1", "--steps", "many", "--csv", "a.csv"]), TextWriter.Null));
        Assert.Contains("'many'", steps.Message);

        var pair = Assert.Throws<UsageException>(() => CliApp.Parse(["schedule", "--set", "step_size"]).KeyValues());
        Assert.Contains("key=value", pair.Message);
    }
}
