using FineTune.Vision.Data;
using FineTune.Vision.Imaging;

namespace FineTune.Vision.Tests.Data;

/// <summary><see cref="DatasetExtensions.StratifiedSplit"/>: per-class proportions, both sides for every class of 2+, determinism.</summary>
public sealed class StratifiedSplitTests
{
    private static InMemoryDataset Labelled(params int[] perClass)
    {
        using var pixel = new RgbImage(1, 1, [1, 2, 3]);
        int[] labels = [.. perClass.SelectMany((n, c) => Enumerable.Repeat(c, n))];
        return new InMemoryDataset([.. labels.Select(_ => pixel)], labels, [.. perClass.Select((_, c) => $"c{c}")]);
    }

    [Fact]
    public void Keeps_per_class_proportions_and_both_sides_for_small_classes()
    {
        var data = Labelled(100, 40, 10, 3, 2, 1);
        var (train, val) = data.StratifiedSplit(0.8, seed: 0);
        int[] CountOf(DatasetSubset s, int c) => [.. Enumerable.Range(0, s.Count).Where(i => s.GetLabel(i) == c)];
        Assert.Equal([80, 32, 8, 2, 1, 1], Enumerable.Range(0, 6).Select(c => CountOf(train, c).Length));
        Assert.Equal([20, 8, 2, 1, 1, 0], Enumerable.Range(0, 6).Select(c => CountOf(val, c).Length));
        Assert.Empty(train.Indices.Intersect(val.Indices));
        Assert.Equal(Enumerable.Range(0, data.Count), train.Indices.Concat(val.Indices).Order());
        Assert.Equal(data.ClassNames, train.ClassNames);
    }

    [Fact]
    public void Same_seed_same_split_and_another_seed_another()
    {
        var data = Labelled(50, 50, 20);
        var (a, av) = data.StratifiedSplit(0.9, seed: 3);
        var (b, bv) = data.StratifiedSplit(0.9, seed: 3);
        var (c, _) = data.StratifiedSplit(0.9, seed: 4);
        Assert.Equal(a.Indices, b.Indices);
        Assert.Equal(av.Indices, bv.Indices);
        Assert.NotEqual(a.Indices, c.Indices);
        Assert.NotEqual(a.Indices.Order(), a.Indices);   // shuffled across classes, not grouped
    }

    [Fact]
    public void Rejects_bad_fractions_and_datasets_without_a_validation_side()
    {
        var data = Labelled(5, 5);
        Assert.Throws<ArgumentOutOfRangeException>(() => data.StratifiedSplit(0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => data.StratifiedSplit(1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Labelled(1, 1, 1).StratifiedSplit(0.5, 0));
    }
}
