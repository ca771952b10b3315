using FineTune.Vision.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Tests.Data;

public class DataLoaderTests
{
    private static IdxDataset FashionTest() =>
        IdxDataset.Open(DataFixtures.FashionTestImages, DataFixtures.FashionTestLabels, IdxDataset.FashionMnistClasses);

    [Fact]
    public void BatchesHaveShapesLabelsAndEncodedValues()
    {
        var data = FashionTest();
        using var loader = new DataLoader(data.With(new NaiveEncoder(28, randomFlip: false)), new DataLoaderOptions { BatchSize = 64, Workers = 2 });
        Assert.Equal(10, loader.BatchesPerEpoch);
        var sizes = new List<int>();
        foreach (Batch batch in loader.Epoch(0))
        {
            sizes.Add(batch.Count);
            Assert.Equal([batch.Count, 3, 28, 28], batch.Images.shape);
            Assert.Equal(ScalarType.Float32, batch.Images.dtype);
            Assert.True(batch.Images.is_contiguous());
            Assert.Equal(ScalarType.Int64, batch.Labels.dtype);
            Assert.Equal(Enumerable.Range(batch.Index * 64, batch.Count), batch.SampleIndices); // no shuffle: index order
            Assert.Equal(batch.SampleIndices.Select(i => (long)data.GetLabel(i)), batch.Labels.data<long>().ToArray());
        }
        Assert.Equal([64, 64, 64, 64, 64, 64, 64, 64, 64, 24], sizes);
        using Batch0 first = Batch0.Of(loader);
        float[] sample = first.Images[0].data<float>().ToArray();
        Assert.Equal((110 / 255f - 0.5f) / 0.5f, sample[1 * 784 + 14 * 28 + 14], 6); // record 0, pixel (14,14) = 110
        Assert.Equal(sample[..784], sample[(2 * 784)..]); // gray: equal channels
    }

    [Fact]
    public void SameSeedGivesSameBatchesWhateverTheWorkerCount()
    {
        var data = FashionTest();
        float[][] one = Run(data, workers: 1, seed: 3, epoch: 0);
        float[][] three = Run(data, workers: 3, seed: 3, epoch: 0);
        Assert.Equal(one.Length, three.Length);
        for (int b = 0; b < one.Length; b++) Assert.Equal(one[b], three[b]);
        Assert.NotEqual(one[0], Run(data, workers: 2, seed: 3, epoch: 1)[0]); // a new order each epoch
        Assert.NotEqual(one[0], Run(data, workers: 2, seed: 4, epoch: 0)[0]); // another seed, another order
    }

    [Fact]
    public void ShuffleVisitsEveryItemOncePerEpochInANewOrder()
    {
        var data = FashionTest();
        using var loader = new DataLoader(data.With(new NaiveEncoder(8)), new DataLoaderOptions { BatchSize = 50, Shuffle = true, Seed = 1, Workers = 2 });
        int[] epoch0 = [.. loader.Epoch(0).SelectMany(b => b.SampleIndices)];
        int[] epoch1 = [.. loader.Epoch(1).SelectMany(b => b.SampleIndices)];
        int[] again0 = [.. loader.Epoch(0).SelectMany(b => b.SampleIndices)];
        Assert.Equal(Enumerable.Range(0, 600), epoch0.Order());
        Assert.Equal(Enumerable.Range(0, 600), epoch1.Order());
        Assert.NotEqual(epoch0, epoch1);
        Assert.Equal(epoch0, again0);
        Assert.Equal((0, 12, 600), (loader.LastEpochSummary!.Epoch, loader.LastEpochSummary.Batches, loader.LastEpochSummary.Samples));
    }

    [Fact]
    public void DropLastDropsOnlyTheShortTail()
    {
        using var loader = new DataLoader(FashionTest().With(new NaiveEncoder(4)), new DataLoaderOptions { BatchSize = 64, DropLast = true, Shuffle = true });
        Assert.Equal(9, loader.BatchesPerEpoch);
        int[] sizes = [.. loader.Epoch(2).Select(b => b.Count)];
        Assert.Equal(Enumerable.Repeat(64, 9), sizes);
        Assert.Equal(576, loader.LastEpochSummary!.Samples);
    }

    [Fact]
    public void UInt8BatchesHoldRawPixelsAndNormaliseOnTheDevice()
    {
        var data = FashionTest();
        using var bytes = new DataLoader(data.WithUInt8(28, 28), new DataLoaderOptions { BatchSize = 100, Workers = 2 });
        using var floats = new DataLoader(data.With(new NaiveEncoder(28, randomFlip: false)), new DataLoaderOptions { BatchSize = 100, Workers = 2 });
        using var normalizer = new UInt8BatchNormalizer([0.5f, 0.5f, 0.5f], [0.5f, 0.5f, 0.5f]);
        using var b = bytes.Epoch(0).GetEnumerator();
        using var f = floats.Epoch(0).GetEnumerator();
        Assert.True(b.MoveNext() && f.MoveNext());
        Assert.Equal(ScalarType.Byte, b.Current.Images.dtype);
        Assert.Equal([100, 3, 28, 28], b.Current.Images.shape);
        Assert.Equal(110, b.Current.Images[0].data<byte>().ToArray()[2 * 784 + 14 * 28 + 14]);
        using Tensor normalised = normalizer.Normalize(b.Current.Images);
        Assert.True(normalised.allclose(f.Current.Images, rtol: 0, atol: 1e-5));
        Assert.Throws<ArgumentException>(() => normalizer.Normalize(f.Current.Images));
    }

    [Fact]
    public void BatchesAreValidUntilTheNextMoveNext()
    {
        using var loader = new DataLoader(FashionTest().With(new NaiveEncoder(4)), new DataLoaderOptions { BatchSize = 200, Workers = 1, PrefetchBatches = 1 });
        using var e = loader.Epoch(0).GetEnumerator();
        Assert.True(e.MoveNext());
        Batch first = e.Current;
        Assert.False(first.Images.IsInvalid);
        Assert.True(e.MoveNext());
        Assert.True(first.Images.IsInvalid && first.Labels.IsInvalid); // released, not leaked
        Batch second = e.Current;
        e.Dispose();
        Assert.True(second.Images.IsInvalid);
    }

    [Fact]
    public void ACallersDisposeScopeDoesNotOwnLoaderBatches()
    {
        using var loader = new DataLoader(FashionTest().With(new NaiveEncoder(4)), new DataLoaderOptions { BatchSize = 100, Workers = 2 });
        using var e = loader.Epoch(0).GetEnumerator();
        using (torch.NewDisposeScope()) Assert.True(e.MoveNext()); // e.g. a training step's scope
        Assert.False(e.Current.Images.IsInvalid);
        Assert.Equal(100, e.Current.Labels.shape[0]);
        Assert.True(e.MoveNext());
    }

    [Fact]
    public void CancellationStopsTheEpochAndLeavesNoWorker()
    {
        using var loader = new DataLoader(FashionTest().With(new NaiveEncoder(16)), new DataLoaderOptions { BatchSize = 10, Workers = 3 });
        using var cts = new CancellationTokenSource();
        int seen = 0;
        Assert.ThrowsAny<OperationCanceledException>(() =>
        {
            foreach (Batch batch in loader.Epoch(0, cts.Token))
            {
                if (++seen == 2) cts.Cancel();
            }
        });
        Assert.Equal(2, seen);
        Assert.Equal(0, loader.LiveWorkers);
        Assert.Null(loader.LastEpochSummary);
        Assert.Equal(60, loader.Epoch(1).Count()); // the loader is still usable for the next epoch
    }

    [Fact]
    public void DisposeStopsWorkersAndLaterUseThrows()
    {
        var loader = new DataLoader(FashionTest().With(new NaiveEncoder(16)), new DataLoaderOptions { BatchSize = 10, Workers = 3 });
        var e = loader.Epoch(0).GetEnumerator();
        Assert.True(e.MoveNext());
        Batch held = e.Current;
        Assert.Throws<InvalidOperationException>(() => loader.Epoch(1).GetEnumerator().MoveNext()); // one epoch at a time
        loader.Dispose();
        Assert.Equal(0, loader.LiveWorkers);
        Assert.True(held.Images.IsInvalid);
        Assert.Throws<ObjectDisposedException>(() => e.MoveNext());
        Assert.Throws<ObjectDisposedException>(() => loader.Epoch(0));
        e.Dispose();
        loader.Dispose(); // idempotent
    }

    [Fact]
    public void BreakingOutOfAnEpochJoinsTheWorkers()
    {
        using var loader = new DataLoader(FashionTest().With(new NaiveEncoder(16)), new DataLoaderOptions { BatchSize = 10, Workers = 2 });
        foreach (Batch batch in loader.Epoch(0)) break;
        Assert.Equal(0, loader.LiveWorkers);
        var summaries = new List<EpochSummary>();
        loader.EpochCompleted += (_, s) => summaries.Add(s);
        Assert.Equal(60, loader.Epoch(1).Count());
        Assert.Equal(new[] { (1, 60, 600, 0) }, summaries.Select(s => (s.Epoch, s.Batches, s.Samples, s.Skipped.Count)));
    }

    [Fact]
    public void InvalidOptionsAreListedTogether()
    {
        var e = Assert.Throws<ArgumentException>(() => new DataLoader(FashionTest().With(new NaiveEncoder(4)), new DataLoaderOptions { BatchSize = 0, Workers = 0 }));
        Assert.Contains("BatchSize must be > 0 (was 0)", e.Message);
        Assert.Contains("Workers must be > 0 (was 0)", e.Message);
    }

    private static float[][] Run(IdxDataset data, int workers, long seed, int epoch)
    {
        using var loader = new DataLoader(data.With(new NaiveEncoder(20)), new DataLoaderOptions { BatchSize = 48, Shuffle = true, Seed = seed, Workers = workers });
        return [.. loader.Epoch(epoch).Select(b => b.Images.data<float>().ToArray().Concat(b.Labels.data<long>().ToArray().Select(l => (float)l)).ToArray())];
    }

    /// <summary>The first batch of epoch 0, copied out of the loader.</summary>
    private sealed class Batch0 : IDisposable
    {
        public required Tensor Images { get; init; }

        public static Batch0 Of(DataLoader loader)
        {
            foreach (Batch batch in loader.Epoch(0)) return new Batch0 { Images = batch.Images.clone() };
            throw new InvalidOperationException("empty epoch");
        }

        public void Dispose() => Images.Dispose();
    }
}
