using System.Globalization;
using System.Text.Json;
using FineTune.Vision.Imaging;
using FineTune.Vision.Transforms;

namespace FineTune.Vision.Tests.Transforms;

/// <summary>
/// timm's AutoAugment policies and AugMix against REAL timm with its random draws pinned
/// (Fixtures/Transforms/make_timm_augment_fixtures.py; 32x32 crop of the photograph).
/// </summary>
public sealed class TimmAugmentParityTests
{
    private static string Dir => Path.Combine(AppContext.BaseDirectory, "Fixtures", "Transforms", "timm_augment");
    private const int Side = 32;
    private static readonly byte[] Blob = File.ReadAllBytes(Path.Combine(Dir, "autoaugment.bin"));

    private static RgbImage Input() => new(Side, Side, File.ReadAllBytes(Path.Combine(Dir, "input.rgb")));

    /// <summary>A generator whose every uniform draw is <see cref="Value"/> (as the fixtures' pinned random.random()).</summary>
    private sealed class ConstantRandom(double value) : Random
    {
        public double Value => value;
        public override double NextDouble() => value;
        protected override double Sample() => value;
        public override int Next(int maxValue) => (int)(value * maxValue);
    }

    public static TheoryData<string> AutoAugmentCases() =>
        [.. File.ReadAllLines(Path.Combine(Dir, "autoaugment.txt")).Where(l => !l.StartsWith('#') && l.Length > 0)];

    [Theory]
    [MemberData(nameof(AutoAugmentCases))]
    public void Sub_policies_equal_timm_with_pinned_draws(string line)
    {
        string[] f = line.Split(' ');
        double r = double.Parse(f[2], CultureInfo.InvariantCulture);
        int index = int.Parse(f[1], CultureInfo.InvariantCulture), offset = int.Parse(f[3], CultureInfo.InvariantCulture);
        var aa = TimmAutoAugment.FromConfig(f[0], new TimmAutoAugmentOptions { Interpolations = [Interpolation.Bilinear] });
        using RgbImage result = aa.ApplySubPolicy(Input(), index, new ConstantRandom(r));
        Assert.Equal(Blob.AsSpan(offset, Side * Side * 3).ToArray(), result.Pixels.ToArray());
    }

    public static TheoryData<int> AugMixCases() => [.. Enumerable.Range(0, AugMixRoot.GetProperty("cases").GetArrayLength())];

    private static readonly JsonElement AugMixRoot = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "augmix.json"))).RootElement;

    [Theory]
    [MemberData(nameof(AugMixCases))]
    public void AugMix_equals_timm_with_pinned_draws(int index)
    {
        JsonElement c = AugMixRoot.GetProperty("cases")[index];
        var augmix = new AugMix(new AugMixOptions
        {
            Magnitude = 3, Alpha = c.GetProperty("alpha").GetDouble(), Blended = c.GetProperty("blended").GetBoolean(),
            Width = c.GetProperty("weights").GetArrayLength(), Interpolations = [Interpolation.Bilinear],
        });
        Assert.Equal(c.GetProperty("ops").EnumerateArray().Select(o => o.GetString()), augmix.Ops.Select(o => o.Name));
        var chains = c.GetProperty("chains").EnumerateArray().Select(chain => chain.EnumerateArray().Select(step =>
            (augmix.Ops[step[0].GetInt32()], new TimmOpDraw(step[1].GetDouble(), step[2].GetBoolean(), Interpolation.Bilinear))).ToArray()).ToList();
        var plan = new AugMix.Plan([.. c.GetProperty("weights").EnumerateArray().Select(w => (float)w.GetDouble())], (float)c.GetProperty("m").GetDouble(), chains);
        using RgbImage result = augmix.Execute(Input(), plan);
        byte[] expected = File.ReadAllBytes(Path.Combine(Dir, "augmix.bin")).AsSpan(c.GetProperty("offset").GetInt32(), Side * Side * 3).ToArray();
        Assert.Equal(expected, result.Pixels.ToArray());
    }
}
