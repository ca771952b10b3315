using FineTune.Vision.Data;
using FineTune.Vision.Imaging;

namespace FineTune.Vision.Tests.Data;

public class DatasetCompositionTests
{
    [Fact]
    public void InMemoryDatasetCopiesPixelsAndReturnsFreshImages()
    {
        using var a = new RgbImage(2, 1, [1, 2, 3, 4, 5, 6]);
        using var b = new RgbImage(1, 1, [7, 8, 9]);
        var data = new InMemoryDataset([a, b], [1, 0], ["zero", "one"], "toys");
        a.Pixels[0] = 99; // the dataset holds its own copy
        using (var first = data.Load(0))
        {
            Assert.Equal([1, 2, 3, 4, 5, 6], first.Pixels.ToArray());
            first.Pixels[1] = 42;
        }
        using (var again = data.Load(0)) Assert.Equal(2, again.Pixels[1]);
        Assert.Equal(1, data.GetLabel(0));
        Assert.Equal("toys, image 1", data.DescribeSource(1));
        Assert.Throws<ArgumentException>(() => new InMemoryDataset([a], [2], ["zero", "one"]));
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Load(2));
    }

    [Fact]
    public void RandomSplitIsDeterministicDisjointAndComplete()
    {
        var data = Fashion();
        var (train, val) = data.RandomSplit(0.95, seed: 7);
        var (train2, val2) = data.RandomSplit(0.95, seed: 7);
        var (train3, _) = data.RandomSplit(0.95, seed: 8);
        Assert.Equal(2850, train.Count);
        Assert.Equal(150, val.Count);
        Assert.Equal(train.Indices, train2.Indices);
        Assert.Equal(val.Indices, val2.Indices);
        Assert.NotEqual(train.Indices, train3.Indices);
        Assert.Empty(train.Indices.Intersect(val.Indices));
        Assert.Equal(Enumerable.Range(0, 3000), train.Indices.Concat(val.Indices).Order());
        Assert.Equal(data.GetLabel(val.Indices[3]), val.GetLabel(3));
        Assert.Equal(data.DescribeSource(val.Indices[3]), val.DescribeSource(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => data.RandomSplit(1.0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Subset([0, 1]).RandomSplit(0.95, 0));
    }

    [Fact]
    public void SubsetAndConcatMapIndices()
    {
        var data = Fashion();
        var subset = data.Subset([5, 0, 5]);
        var joined = subset.Concat(data.Subset([]), data.Subset([9]));
        Assert.Equal(4, joined.Count);
        Assert.Equal([2, 9, 2, 5], Enumerable.Range(0, 4).Select(joined.GetLabel));
        Assert.Contains("record 9", joined.DescribeSource(3));
        using var image = joined.Load(3);
        using var direct = data.Load(9);
        Assert.Equal(direct.Pixels.ToArray(), image.Pixels.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Subset([3000]));
        var other = new InMemoryDataset([], [], ["x"]);
        Assert.Contains("must share their classes", Assert.Throws<ArgumentException>(() => data.Concat(other)).Message);
    }

    internal static IdxDataset Fashion() =>
        IdxDataset.Open(DataFixtures.FashionTrainImages, DataFixtures.FashionTrainLabels, IdxDataset.FashionMnistClasses);
}
