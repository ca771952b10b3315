using System.Globalization;
using System.Text.Json;
using FineTune.Vision.Optim.Schedules;

namespace FineTune.Vision.Tests.Optim;

/// <summary>
/// <see cref="ScheduleFactory"/>'s <c>CosineWithRestarts</c> against REAL timm's <c>CosineLRScheduler</c> (warm-up with and
/// without prefix, k-decay, cycle multiplier/decay/limit, <c>t_in_epochs</c>, noise): Fixtures/Optim/make_timm_schedules.py.
/// </summary>
public sealed class TimmScheduleTests
{
    private static readonly JsonElement Cases = JsonDocument.Parse(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Optim", "timm_schedules.json"))).RootElement.GetProperty("cases");

    public static TheoryData<string> Names()
    {
        var names = new TheoryData<string>();
        foreach (var c in Cases.EnumerateArray()) names.Add(c.GetProperty("name").GetString()!);
        return names;
    }

    private static JsonElement Case(string name) => Cases.EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    /// <summary>timm's keyword arguments as the factory's (timm's names; <c>warmup_t</c> is <c>warmup_steps</c>).</summary>
    private static Dictionary<string, string> Arguments(JsonElement c)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in c.GetProperty("args").EnumerateObject())
        {
            string key = p.Name == "warmup_t" ? "warmup_steps" : p.Name;
            result[key] = p.Value.ValueKind switch
            {
                JsonValueKind.Array => string.Join(',', p.Value.EnumerateArray().Select(v => v.GetRawText())),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                _ => p.Value.GetRawText(),
            };
        }
        if (c.GetProperty("steps_per_epoch").ValueKind == JsonValueKind.Number)
            result["steps_per_epoch"] = c.GetProperty("steps_per_epoch").GetInt32().ToString(CultureInfo.InvariantCulture);
        return result;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Cosine_with_restarts_equals_timm(string name)
    {
        var c = Case(name);
        double[] expected = c.GetProperty("lr").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        int perEpoch = c.GetProperty("steps_per_epoch").ValueKind == JsonValueKind.Number ? c.GetProperty("steps_per_epoch").GetInt32() : 1;
        var schedule = ScheduleFactory.Create("CosineWithRestarts", c.GetProperty("base_lr").GetDouble(), Arguments(c), expected.Length * perEpoch);
        for (int step = 0; step < expected.Length * perEpoch; step++)
            Assert.True(Math.Abs(expected[step / perEpoch] - schedule.LrAt(step)) <= 1e-12,
                $"{name}, step {step}: timm {expected[step / perEpoch]}, library {schedule.LrAt(step)}");
    }

    [Fact]
    public void Warmup_default_is_timms_overlap()
    {
        // The timm case gives no warmup_prefix: the factory's default must be timm's (False), and differ from the prefix case.
        Assert.False(Case("cosine_warmup_timm_default").GetProperty("args").TryGetProperty("warmup_prefix", out _));
        var overlap = ScheduleFactory.Create("CosineWithRestarts", 0.1, new Dictionary<string, string> { ["t_initial"] = "50", ["warmup_steps"] = "5" }, 80);
        var prefix = ScheduleFactory.Create("CosineWithRestarts", 0.1, new Dictionary<string, string> { ["t_initial"] = "50", ["warmup_steps"] = "5", ["warmup_prefix"] = "true" }, 80);
        var w = Assert.IsType<Warmup>(overlap);
        Assert.False(w.Prefix);
        Assert.NotEqual(prefix.LrAt(20), overlap.LrAt(20));
    }

    [Fact]
    public void Noise_draws_equal_torch_generator_draws_for_the_same_seed()
    {
        var noise = new ScheduleNoise(new ConstantLR(1.0, 1.0, 0), new ScheduleNoiseOptions { RangeStart = 0, Pct = 10 });
        // torch.Generator().manual_seed(42 + 0); torch.randn(1, generator=g).item() on PyTorch 1.13 and 2.x: 0.33669036626815796
        Assert.Equal(0.33669036626815796, noise.NoiseAt(0), 15);
    }
}
