using System.Globalization;
using System.Text.Json;
using FineTune.Vision.Optim.Schedules;

namespace FineTune.Vision.Tests.Optim;

/// <summary>
/// Every PyTorch 1.13 scheduler the library mirrors, against curves PyTorch itself produced
/// (Fixtures/Optim/make_schedules.py, Debian python3-torch).
/// </summary>
public sealed class PyTorchScheduleParityTests
{
    private static readonly JsonElement Root = JsonDocument.Parse(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Optim", "schedules.json"))).RootElement;

    public static TheoryData<int> StepCases() => Cases(c => c.GetProperty("kind").GetString() != "ReduceLROnPlateau");

    public static TheoryData<int> PlateauCases() => Cases(c => c.GetProperty("kind").GetString() == "ReduceLROnPlateau");

    private static TheoryData<int> Cases(Func<JsonElement, bool> keep)
    {
        var data = new TheoryData<int>();
        var cases = Root.GetProperty("cases").EnumerateArray().ToList();
        for (int i = 0; i < cases.Count; i++)
            if (keep(cases[i])) data.Add(i);
        return data;
    }

    private static Dictionary<string, string> Arguments(JsonElement args) => args.EnumerateObject().ToDictionary(
        p => p.Name,
        p => p.Value.ValueKind switch
        {
            JsonValueKind.Array => string.Join(",", p.Value.EnumerateArray().Select(v => v.GetRawText())),
            JsonValueKind.String => p.Value.GetString()!,
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => p.Value.GetRawText(),
        });

    [Theory]
    [MemberData(nameof(StepCases))]
    public void Matches_pytorch_step_by_step(int index)
    {
        JsonElement c = Root.GetProperty("cases")[index];
        string kind = c.GetProperty("kind").GetString()!;
        double[] expected = c.GetProperty("lr").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        ILrSchedule schedule = ScheduleFactory.Create(kind, c.GetProperty("base_lr").GetDouble(), Arguments(c.GetProperty("args")), expected.Length);

        for (int step = 0; step < expected.Length; step++)
            Assert.True(Math.Abs(schedule.LrAt(step) - expected[step]) <= 1e-9 + 1e-7 * Math.Abs(expected[step]),
                $"{kind} {c.GetProperty("args")}: step {step} gave {schedule.LrAt(step)}, PyTorch {expected[step]}");

        if (c.TryGetProperty("momentum", out JsonElement momentum))
        {
            var m = Assert.IsAssignableFrom<IMomentumSchedule>(schedule);
            Assert.True(m.CyclesMomentum);
            double[] expectedMomentum = momentum.EnumerateArray().Select(e => e.GetDouble()).ToArray();
            for (int step = 0; step < expectedMomentum.Length; step++)
                Assert.True(Math.Abs(m.MomentumAt(step) - expectedMomentum[step]) <= 1e-9,
                    $"{kind}: momentum at step {step} gave {m.MomentumAt(step)}, PyTorch {expectedMomentum[step]}");
        }
    }

    [Theory]
    [MemberData(nameof(PlateauCases))]
    public void Reduce_on_plateau_matches_pytorch(int index)
    {
        JsonElement c = Root.GetProperty("cases")[index];
        JsonElement a = c.GetProperty("args");
        var schedule = new ReduceLROnPlateau(
            c.GetProperty("base_lr").GetDouble(),
            a.GetProperty("mode").GetString() == "min" ? PlateauMode.Min : PlateauMode.Max,
            a.GetProperty("factor").GetDouble(), a.GetProperty("patience").GetInt32(), a.GetProperty("threshold").GetDouble(),
            a.GetProperty("threshold_mode").GetString() == "rel", a.GetProperty("cooldown").GetInt32(), a.GetProperty("min_lr").GetDouble());
        double[] metrics = c.GetProperty("metrics").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        double[] expected = c.GetProperty("lr").EnumerateArray().Select(e => e.GetDouble()).ToArray();

        for (int i = 0; i < metrics.Length; i++)
        {
            schedule.Report(metrics[i]);
            Assert.True(Math.Abs(schedule.LrAt(i) - expected[i]) <= 1e-12,
                $"{a}: after report {i} ({metrics[i].ToString(CultureInfo.InvariantCulture)}) the rate is {schedule.LrAt(i)}, PyTorch {expected[i]}");
        }
    }

    [Fact]
    public void Fixture_covers_every_pytorch_scheduler_the_factory_knows()
    {
        var covered = Root.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("kind").GetString()).ToHashSet();
        var pytorchKinds = ScheduleFactory.Kinds.Where(k => k.EndsWith("LR", StringComparison.Ordinal) || k == "CosineAnnealingWarmRestarts");
        Assert.All(pytorchKinds, k => Assert.Contains(k, covered));
    }
}
