using System.Text.Json;
using FineTune.Vision.Models;
using FineTune.Vision.Optim;
using FineTune.Vision.Training.Losses;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Tests.Training;

/// <summary>
/// Every loss, DeiT's distillation loss and AGC against real timm / PyTorch / DeiT's losses.py
/// (Fixtures/Training/make_loss_fixtures.py): the loss value and its gradient with respect to the logits.
/// </summary>
public sealed class LossParityTests
{
    private static readonly JsonElement Root = JsonDocument.Parse(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Training", "loss_fixtures.json"))).RootElement;

    private static int N => Root.GetProperty("n").GetInt32();
    private static int C => Root.GetProperty("c").GetInt32();
    private static float[] Floats(JsonElement e) => [.. e.EnumerateArray().Select(v => (float)v.GetDouble())];
    private static Tensor Matrix(string key) => tensor(Floats(Root.GetProperty(key))).view(N, C);
    private static Tensor Labels() => tensor(Root.GetProperty("labels").EnumerateArray().Select(v => v.GetInt64()).ToArray());
    private static JsonElement Case(string section, string name) => Root.GetProperty(section).EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    public static TheoryData<string> LossCases() => [.. Root.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("name").GetString()!)];
    public static TheoryData<string> DistillationCases() => [.. Root.GetProperty("distillation").EnumerateArray().Select(c => c.GetProperty("name").GetString()!)];

    private static LossFunction Create(string kind, JsonElement p)
    {
        double D(string key, double fallback) => p.TryGetProperty(key, out var v) ? v.GetDouble() : fallback;
        float[]? F(string key) => p.TryGetProperty(key, out var v) ? Floats(v) : null;
        return kind switch
        {
            "soft_target_ce" => new SoftTargetCrossEntropy(),
            "label_smoothing_ce" => new LabelSmoothingCrossEntropy(D("smoothing", 0.1)),
            "ce" => new CrossEntropy(F("weights"), D("smoothing", 0)),
            "bce" => new BinaryCrossEntropy(D("smoothing", 0.1), p.TryGetProperty("target_threshold", out var th) ? th.GetDouble() : null, F("weights"), F("pos_weight"),
                p.TryGetProperty("reduction", out var r) && r.GetString() == "sum" ? LossReduction.Sum : LossReduction.Mean,
                p.TryGetProperty("sum_classes", out var sc) && sc.GetBoolean()),
            "focal" => new FocalLoss(D("gamma", 2), F("alpha")),
            _ => throw new ArgumentException(kind),
        };
    }

    private static void AssertClose(float[] expected, Tensor actual, double atol, string what)
    {
        float[] a = actual.data<float>().ToArray();
        Assert.Equal(expected.Length, a.Length);
        for (int i = 0; i < a.Length; i++)
            Assert.True(Math.Abs(a[i] - expected[i]) <= atol + 1e-5 * Math.Abs(expected[i]), $"{what}[{i}]: expected {expected[i]}, got {a[i]}");
    }

    [Theory]
    [MemberData(nameof(LossCases))]
    public void Each_loss_and_its_gradient_equal_timm_or_pytorch(string name)
    {
        using var scope = NewDisposeScope();
        JsonElement c = Case("cases", name);
        LossFunction loss = Create(c.GetProperty("kind").GetString()!, c.GetProperty("params"));
        Tensor logits = Matrix("logits").requires_grad_();
        Tensor? soft = c.GetProperty("targets").GetString() == "soft" ? Matrix("soft") : null;
        Tensor value = loss.Forward(new LossInput(logits, Labels(), soft));
        value.backward();
        Assert.Equal(c.GetProperty("loss").GetDouble(), value.item<float>(), 5);
        AssertClose(Floats(c.GetProperty("grad")), logits.grad!, 1e-6, name + " grad");
    }

    [Theory]
    [MemberData(nameof(DistillationCases))]
    public void Distillation_equals_deits_losses_py(string name)
    {
        using var scope = NewDisposeScope();
        JsonElement c = Case("distillation", name);
        bool plain = c.GetProperty("plain").GetBoolean();
        LossFunction baseLoss = c.GetProperty("base").GetString() switch
        {
            "ce" => new CrossEntropy(),
            "soft_target_ce" => new SoftTargetCrossEntropy(),
            _ => new LabelSmoothingCrossEntropy(0.1),
        };
        var type = Enum.Parse<DistillationType>(c.GetProperty("type").GetString()!, ignoreCase: true);
        using var teacher = new FixedTeacher(Matrix("teacher"));
        using var loss = new DistillationLoss(teacher, type, c.GetProperty("alpha").GetDouble(), c.GetProperty("tau").GetDouble(), baseLoss);
        Assert.Equal(type != DistillationType.None, loss.UsesDistillationHead);
        Tensor logits = Matrix("logits").requires_grad_(), dist = Matrix("dist_logits").requires_grad_();
        Tensor? soft = c.GetProperty("targets").GetString() == "soft" ? Matrix("soft") : null;
        var input = new LossInput(logits, Labels(), soft, zeros(N, 3, 4, 4), plain ? null : dist);
        Tensor value = loss.Forward(input);
        value.backward();
        Assert.Equal(c.GetProperty("loss").GetDouble(), value.item<float>(), 5);
        AssertClose(Floats(c.GetProperty("grad")), logits.grad!, 1e-6, name + " class-head grad");
        AssertClose(Floats(c.GetProperty("dist_grad")), dist.grad ?? zeros(N, C), 1e-6, name + " dist-head grad");
        Assert.False(teacher.Module.training);
        Assert.All(teacher.parameters(), p => Assert.False(p.requires_grad));
    }

    [Fact]
    public void Agc_clips_like_timms_adaptive_clip_grad()
    {
        foreach (JsonElement c in Root.GetProperty("agc").EnumerateArray())
        {
            using var scope = NewDisposeScope();
            var parameters = new List<Parameter>();
            foreach (JsonElement p in c.GetProperty("params").EnumerateArray())
            {
                long[] shape = [.. p.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64())];
                var parameter = new Parameter(tensor(Floats(p.GetProperty("data"))).view(shape));
                parameter.grad = tensor(Floats(p.GetProperty("grad"))).view(shape);
                parameters.Add(parameter);
            }
            AdaptiveGradientClipping.Clip(parameters, c.GetProperty("clip_factor").GetDouble());
            int i = 0;
            foreach (JsonElement expected in c.GetProperty("clipped").EnumerateArray())
                AssertClose(Floats(expected), parameters[i].grad!, 1e-7, $"λ={c.GetProperty("clip_factor")} param {i++}");
        }
    }

    /// <summary>A "teacher" whose logits are fixed, whatever the images (as the generator's).</summary>
    private sealed class FixedTeacher : nn.Module<Tensor, Tensor>, IVisionModel
    {
        private readonly Parameter weight = new(ones(1));
        private readonly Tensor _logits;

        public FixedTeacher(Tensor logits) : base(nameof(FixedTeacher))
        {
            _logits = logits.detach().clone().DetachFromDisposeScope();
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => _logits.to(x.device) * weight;
        public string Name => "fixed";
        public ModelConfig Config => throw new NotSupportedException();
        public PretrainedConfig PretrainedConfig => throw new NotSupportedException();
        public int NumClasses => (int)_logits.shape[1];
        public int NumFeatures => 0;
        public nn.Module<Tensor, Tensor> Module => this;
        public Tensor ForwardFeatures(Tensor x) => throw new NotSupportedException();
        public Tensor ForwardHead(Tensor features, bool preLogits = false) => throw new NotSupportedException();
        public void ResetClassifier(int numClasses) => throw new NotSupportedException();
        public IReadOnlyList<string>? ClassNames { get; set; }
        public IReadOnlySet<string> NoWeightDecay => new HashSet<string>();
        public IReadOnlyList<LayerGroup> LayerGroups => [];
        public bool GradCheckpointing { get; set; }

        protected override void Dispose(bool disposing)
        {
            if (disposing) _logits.Dispose();
            base.Dispose(disposing);
        }
    }
}
