using FineTune.Vision.Data;

namespace FineTune.Vision.Tests.Data;

/// <summary>Starting an epoch at a later batch (mid-epoch resume) gives the same batches as a full enumeration.</summary>
public sealed class DataLoaderFirstBatchTests
{
    [Fact]
    public void An_epoch_from_a_later_batch_equals_the_tail_of_the_full_epoch()
    {
        var data = IdxDataset.Open(DataFixtures.FashionTestImages, DataFixtures.FashionTestLabels, IdxDataset.FashionMnistClasses)
            .Subset(Enumerable.Range(0, 70));
        using var loader = new DataLoader(data.With(new NaiveEncoder(28, randomFlip: true)),
            new DataLoaderOptions { BatchSize = 16, Shuffle = true, Seed = 4, Workers = 2, PrefetchBatches = 1 });
        var full = loader.Epoch(3).Select(b => (b.Index, Indices: b.SampleIndices.ToArray(), Pixels: b.Images.data<float>().ToArray())).ToList();
        var tail = loader.Epoch(3, firstBatch: 2).Select(b => (b.Index, Indices: b.SampleIndices.ToArray(), Pixels: b.Images.data<float>().ToArray())).ToList();

        Assert.Equal(5, full.Count);
        Assert.Equal([2, 3, 4], tail.Select(b => b.Index));
        for (int i = 0; i < tail.Count; i++)
        {
            Assert.Equal(full[i + 2].Indices, tail[i].Indices);
            Assert.Equal(full[i + 2].Pixels, tail[i].Pixels); // same per-sample random flips
        }
        Assert.Empty(loader.Epoch(3, firstBatch: 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => loader.Epoch(3, firstBatch: 6));
    }
}
