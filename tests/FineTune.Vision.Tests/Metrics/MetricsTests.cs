using FineTune.Vision.Metrics;
using TorchSharp;

namespace FineTune.Vision.Tests.Metrics;

public sealed class MetricsTests
{
    private static torch.Tensor Logits() => torch.tensor(new float[,]
    {
        { 0.1f, 0.9f, 0.0f, 0.0f },  // predicts 1, ranks 1,0,2/3
        { 0.5f, 0.1f, 0.3f, 0.2f },  // predicts 0, then 2, 3, 1
        { 0.0f, 0.0f, 0.2f, 0.8f },  // predicts 3, then 2
    });

    [Fact]
    public void Top_k_counts_a_hit_when_the_label_is_among_the_k_best()
    {
        using var scope = torch.NewDisposeScope();
        var metric = new TopKAccuracy(1, 2, 5);
        metric.Update(Logits(), torch.tensor(new long[] { 1, 2, 0 }));
        Assert.Equal(1.0 / 3, metric.Value(1), 12);
        Assert.Equal(2.0 / 3, metric.Value(2), 12);
        Assert.Equal(1.0, metric.Value(5), 12);   // k larger than the class count: every label is in
        metric.Update(Logits(), torch.tensor(new long[] { 1, 0, 3 }));
        Assert.Equal(4.0 / 6, metric.Value(1), 12);
        Assert.Equal(6, metric.Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => metric.Value(3));
        var shape = Assert.Throws<ArgumentException>(() => metric.Update(Logits(), torch.tensor(new long[] { 1, 2 })));
        Assert.Contains("[3, 4]", shape.Message);
        Assert.Contains("[2]", shape.Message);
    }

    [Fact]
    public void Confusion_matrix_gives_per_class_accuracy_and_precision()
    {
        using var scope = torch.NewDisposeScope();
        var cm = new ConfusionMatrix(4);
        cm.Update(Logits(), torch.tensor(new long[] { 1, 2, 3 }));
        cm.Add(2, 2);
        Assert.Equal(1, cm[2, 0]);
        Assert.Equal(4, cm.Total);
        Assert.Equal(0.75, cm.Accuracy, 12);
        double[] recall = cm.PerClassAccuracy();
        Assert.True(double.IsNaN(recall[0]));
        Assert.Equal([1.0, 0.5, 1.0], recall[1..]);
        Assert.Equal(0.0, cm.PerClassPrecision()[0]);
        Assert.Contains("cat", cm.ToString(["dog", "cat", "fox", "owl"]));
    }

    [Fact]
    public void Running_mean_is_weighted()
    {
        var m = new RunningMean();
        Assert.True(double.IsNaN(m.Mean));
        m.Add(1.0, 3);
        m.Add(3.0, 1);
        Assert.Equal(1.5, m.Mean, 12);
        Assert.Equal(3.0, m.Last);
    }
}
