using System.Text.Json;
using FineTune.Vision.Training.Losses;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Tests.Training;

/// <summary><see cref="JsdCrossEntropy"/> against REAL timm's <c>JsdCrossEntropy</c> (Fixtures/Training/make_jsd_fixtures.py): value and gradient.</summary>
public sealed class JsdCrossEntropyTests
{
    private static readonly JsonElement Root = JsonDocument.Parse(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Training", "jsd_fixtures.json"))).RootElement;

    public static TheoryData<string> Cases() => [.. Root.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("name").GetString()!)];

    private static float[] Floats(JsonElement e) => [.. e.EnumerateArray().Select(v => (float)v.GetDouble())];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Loss_and_gradient_equal_timm(string name)
    {
        JsonElement c = Root.GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        using var scope = torch.NewDisposeScope();
        int rows = c.GetProperty("rows").GetInt32(), classes = c.GetProperty("classes").GetInt32();
        Tensor logits = tensor(Floats(c.GetProperty("logits"))).view(rows, classes).requires_grad_(true);
        Tensor labels = tensor(c.GetProperty("labels").EnumerateArray().Select(v => v.GetInt64()).ToArray());
        var loss = new JsdCrossEntropy(c.GetProperty("num_splits").GetInt32(), c.GetProperty("alpha").GetDouble(), c.GetProperty("smoothing").GetDouble());
        Tensor value = loss.Forward(new LossInput(logits, labels));
        value.backward();
        Assert.Equal(c.GetProperty("loss").GetDouble(), value.item<float>(), 5);
        float[] expected = Floats(c.GetProperty("grad")), actual = logits.grad!.data<float>().ToArray();
        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-6 + 1e-5 * Math.Abs(expected[i]), $"{name} grad[{i}]: {actual[i]} vs timm {expected[i]}");
    }

    [Fact]
    public void Refuses_soft_targets_and_ragged_batches()
    {
        using var scope = torch.NewDisposeScope();
        var loss = new JsdCrossEntropy();
        Tensor logits = randn(7, 4), labels = zeros(7, ScalarType.Int64);
        Assert.Contains("multiple of 3", Assert.Throws<ArgumentException>(() => loss.Forward(new LossInput(logits, labels))).Message);
        Tensor six = randn(6, 4), sixLabels = zeros(6, ScalarType.Int64);
        Assert.Contains("soft targets", Assert.Throws<ArgumentException>(() => loss.Forward(new LossInput(six, sixLabels, full(6, 4, 0.25f)))).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new JsdCrossEntropy(numSplits: 1));
    }
}
