using System.Text.Json;
using FineTune.Vision.Adaptation;
using FineTune.Vision.Optim;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Tests.Optim;

/// <summary>
/// LAMB, LARS, Lion and Lookahead against REAL timm (Fixtures/Optim/make_timm_optimizers.py): two parameter groups (one
/// with weight decay and the base rate, one without decay at half the rate), 20 fixed gradient sets, every parameter
/// compared after every step.
/// </summary>
public sealed class TimmOptimizerParityTests
{
    /// <summary>|library - timm| ≤ RelTol·|timm| + AbsTol (float32 state; the absolute term covers values that cancel to ~0).</summary>
    private const double RelTol = 1e-6, AbsTol = 1e-7;

    private static readonly JsonElement Root = JsonDocument.Parse(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Optim", "timm_optimizers.json"))).RootElement;

    public static TheoryData<string> Names()
    {
        var names = new TheoryData<string>();
        foreach (var c in Root.GetProperty("cases").EnumerateArray()) names.Add(c.GetProperty("name").GetString()!);
        return names;
    }

    private static float[] Floats(JsonElement e) => [.. e.EnumerateArray().Select(v => (float)v.GetDouble())];

    private static double Arg(JsonElement args, string name, double fallback) =>
        args.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : fallback;

    private static bool Flag(JsonElement args, string name, bool fallback) =>
        args.TryGetProperty(name, out var v) ? v.ValueKind == JsonValueKind.True : fallback;

    private static double Beta(JsonElement args, int index, double fallback) =>
        args.TryGetProperty("betas", out var v) ? v[index].GetDouble() : fallback;

    /// <summary>The case's timm constructor arguments as the library's configuration (timm's class defaults where absent).</summary>
    internal static OptimizerConfig Config(JsonElement c)
    {
        var a = c.GetProperty("args");
        double lr = c.GetProperty("lr").GetDouble(), wd = c.GetProperty("weight_decay").GetDouble();
        OptimizerConfig config = c.GetProperty("optimizer").GetString() switch
        {
            "lamb" => Optimizers.Lamb(lr, wd, Beta(a, 0, 0.9), Beta(a, 1, 0.999), Arg(a, "eps", 1e-6),
                a.TryGetProperty("max_grad_norm", out var m) ? (m.ValueKind == JsonValueKind.Null ? null : m.GetDouble()) : 1.0,
                Flag(a, "trust_clip", false), Flag(a, "always_adapt", false), Flag(a, "bias_correction", true), Flag(a, "grad_averaging", true)),
            "lars" => Optimizers.Lars(lr, Arg(a, "momentum", 0), wd, Arg(a, "trust_coeff", 0.001), Arg(a, "eps", 1e-8),
                Flag(a, "nesterov", false), Arg(a, "dampening", 0), Flag(a, "trust_clip", false), Flag(a, "always_adapt", false)),
            "lion" => Optimizers.Lion(lr, wd, Beta(a, 0, 0.9), Beta(a, 1, 0.99)),
            "adamw" => Optimizers.AdamW(lr, wd),
            var other => throw new InvalidDataException($"Unknown optimizer '{other}' in the fixture."),
        };
        return c.GetProperty("lookahead") is { ValueKind: JsonValueKind.Object } la
            ? Optimizers.Lookahead(config, la.GetProperty("alpha").GetDouble(), la.GetProperty("k").GetInt32())
            : config;
    }

    /// <summary>The fixture's parameters (w, v with decay; b without, at half the rate) and their groups.</summary>
    internal static (Parameter[] Parameters, ParameterGroup[] Groups) Problem(double weightDecay)
    {
        long[][] shapes = [.. Root.GetProperty("shapes").EnumerateArray().Select(s => s.EnumerateArray().Select(d => d.GetInt64()).ToArray())];
        float[] init = Floats(Root.GetProperty("init"));
        var parameters = new Parameter[shapes.Length];
        int offset = 0;
        for (int i = 0; i < shapes.Length; i++)
        {
            int n = (int)shapes[i].Aggregate(1L, (x, y) => x * y);
            parameters[i] = new Parameter(torch.tensor(init[offset..(offset + n)]).reshape(shapes[i]));
            offset += n;
        }
        ParameterGroup[] groups =
        [
            new("decay", [("w", parameters[0]), ("v", parameters[1])], weightDecay, 1.0),
            new("no_decay", [("b", parameters[2])], 0.0, 0.5),
        ];
        return (parameters, groups);
    }

    /// <summary>Gives every parameter the fixture's gradient of <paramref name="step"/> (by backward of Σ p·g, exact).</summary>
    internal static void SetGradients(TrainingOptimizer optimizer, Parameter[] parameters, int step)
    {
        optimizer.ZeroGrad();
        float[] grads = Floats(Root.GetProperty("grads")[step]);
        using var scope = torch.NewDisposeScope();
        Tensor loss = torch.zeros(1);
        int offset = 0;
        foreach (Parameter p in parameters)
        {
            int n = (int)p.numel();
            loss = loss + (p * torch.tensor(grads[offset..(offset + n)]).reshape(p.shape)).sum();
            offset += n;
        }
        loss.backward();
    }

    internal static float[] Flat(Parameter[] parameters) => [.. parameters.SelectMany(p => p.data<float>().ToArray())];

    internal static JsonElement Case(string name) => Root.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_step_equals_timm(string name)
    {
        var c = Case(name);
        var (parameters, groups) = Problem(c.GetProperty("weight_decay").GetDouble());
        using var optimizer = Optimizers.Create(Config(c), groups);
        var expected = c.GetProperty("params");
        for (int step = 0; step < expected.GetArrayLength(); step++)
        {
            SetGradients(optimizer, parameters, step);
            optimizer.Step();
            float[] want = Floats(expected[step]), got = Flat(parameters);
            for (int i = 0; i < want.Length; i++)
            {
                double err = Math.Abs(got[i] - (double)want[i]);
                Assert.True(err <= RelTol * Math.Abs(want[i]) + AbsTol, $"{name}, step {step + 1}, value {i}: timm {want[i]:R}, library {got[i]:R}");
            }
        }
        foreach (Parameter p in parameters) p.Dispose();
    }
}
