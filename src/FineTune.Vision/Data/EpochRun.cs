using System.Collections;
using FineTune.Vision.Core;
using FineTune.Vision.Imaging;

namespace FineTune.Vision.Data;

/// <summary>
/// One epoch of a <see cref="DataLoader"/>: worker threads claim sample positions in epoch order, wait until the
/// position's batch owns a slot of the prefetch ring, and write the sample into it; the consumer takes the slots
/// in batch order and hands each back (for batch b + ring size) on its next MoveNext.
/// </summary>
internal sealed class EpochRun : IEnumerator<Batch>
{
    private readonly DataLoader _loader;
    private readonly SampleSource _source;
    private readonly DataLoaderOptions _options;
    private readonly int _epoch;
    private readonly CancellationToken _token;
    private readonly int[] _order;
    private readonly int[]? _visit; // per position: earlier visits of its index this epoch (samplers that repeat indices)
    private readonly int _batchCount;
    private readonly int _firstBatch;
    private readonly long _positions;
    private readonly BatchSlot[] _slots;
    private readonly Thread[] _threads;
    private readonly object _gate = new();
    private readonly List<SkippedSample> _skipped = [];
    private CancellationTokenRegistration _registration;
    private volatile bool _stopping;
    private long _nextPosition;
    private Exception? _fault;
    private int _next, _yieldedSamples, _yieldedBatches;
    private bool _started, _finished, _disposed;
    private Batch? _current;
    private BatchSlot? _held;

    public EpochRun(DataLoader loader, BatchSlot[] slots, int epoch, int firstBatch, CancellationToken token)
    {
        // Starting at a later batch skips its predecessors' positions; the order and per-sample seeds are unchanged.
        (_firstBatch, _next) = (firstBatch, firstBatch);
        (_loader, _source, _options, _slots, _epoch, _token) = (loader, loader.Source, loader.Options, slots, epoch, token);
        int size = _options.BatchSize;
        _order = _options.Sampler is { } sampler ? sampler.EpochIndices(_source.Dataset.Count, epoch, _options.Seed)
            : _options.Shuffle ? DatasetExtensions.Permutation(_source.Dataset.Count, SeedMixer.Create(_options.Seed, epoch))
            : [.. Enumerable.Range(0, _source.Dataset.Count)];
        int count = _order.Length;
        if (_options.Sampler is { } used && count != used.EpochLength(_source.Dataset.Count))
            throw new InvalidOperationException($"{used.GetType().Name}.EpochIndices gave {count} indices for epoch {epoch}, but its EpochLength is {used.EpochLength(_source.Dataset.Count)}.");
        if (Array.FindIndex(_order, i => (uint)i >= (uint)_source.Dataset.Count) is int bad and >= 0)
            throw new InvalidOperationException($"The sampler gave index {_order[bad]} for a dataset of {_source.Dataset.Count} items.");
        if (_options.Sampler is not null) _visit = VisitNumbers(_order, _source.Dataset.Count);
        _batchCount = loader.BatchesPerEpoch;
        _positions = Math.Min(count, (long)_batchCount * size);
        _threads = new Thread[_options.Workers];
        _nextPosition = Math.Min(_positions, (long)firstBatch * size);
    }

    public Batch Current => _current ?? throw new InvalidOperationException("No current batch: call MoveNext first.");

    object IEnumerator.Current => Current;

    public bool MoveNext()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ReleaseHeld();
        if (!_started) Start();
        while (_next < _batchCount)
        {
            BatchSlot slot = _slots[_next % _slots.Length];
            lock (_gate)
            {
                while (!(slot.Batch == _next && slot.Pending == 0) && !_stopping) Monitor.Wait(_gate);
            }
            ThrowIfStopped();
            if (Array.Find(slot.Errors, e => e is not null) is Exception error) throw Fail(error);
            int skippedBefore = _skipped.Count;
            int kept = slot.Compact(_skipped);
            if (_options.Logger is { } log)
                for (int i = skippedBefore; i < _skipped.Count; i++) DataLog.SkippedImage(log, _skipped[i].Source, _skipped[i].Index, _epoch + 1, _skipped[i].Reason);
            _next++;
            if (kept == 0)
            {
                Recycle(slot);
                continue;
            }
            var (images, labels) = slot.View(kept, _source.SampleShape);
            var (batchImages, batchLabels, indices) = _source.ArrangeSplits(images, labels, slot.Indices[..kept]);
            _current = new Batch(batchImages, batchLabels, indices, _epoch, _firstBatch + _yieldedBatches++);
            _yieldedSamples += kept;
            _held = slot;
            return true;
        }
        Finish();
        return false;
    }

    public void Reset() => throw new NotSupportedException("An epoch cannot be restarted; ask the DataLoader for the epoch again.");

    public void Dispose()
    {
        if (_disposed) return;
        lock (_gate)
        {
            _stopping = true;
            Monitor.PulseAll(_gate);
        }
        foreach (Thread thread in _threads) thread?.Join();
        _registration.Dispose();
        _current?.Release();
        _current = null;
        _disposed = true;
        _loader.EndRun(this, _slots);
    }

    private void Start()
    {
        _started = true;
        for (int k = 0; k < _slots.Length; k++)
        {
            int batch = _firstBatch + k;
            _slots[batch % _slots.Length].Assign(batch < _batchCount ? batch : -1, SizeOf(batch));
        }
        _registration = _token.Register(() => { lock (_gate) { _stopping = true; Monitor.PulseAll(_gate); } });
        for (int w = 0; w < _threads.Length; w++)
        {
            _threads[w] = new Thread(Work) { IsBackground = true, Name = $"FineTune.Vision DataLoader worker {w}" };
            _threads[w].Start();
        }
    }

    private int SizeOf(int batch) =>
        batch < _batchCount ? (int)Math.Min(_options.BatchSize, _positions - (long)batch * _options.BatchSize) : 0;

    private void Work()
    {
        _loader.WorkerStarted();
        try
        {
            while (!_stopping)
            {
                long position = Interlocked.Increment(ref _nextPosition) - 1;
                if (position >= _positions) return;
                int batch = (int)(position / _options.BatchSize), row = (int)(position % _options.BatchSize);
                BatchSlot slot = _slots[batch % _slots.Length];
                lock (_gate)
                {
                    while (slot.Batch != batch && !_stopping) Monitor.Wait(_gate);
                    if (_stopping) return;
                }
                Fill(slot, row, _order[position], _visit?[position] ?? 0);
                lock (_gate)
                {
                    if (--slot.Pending == 0) Monitor.PulseAll(_gate);
                }
            }
        }
        catch (Exception e)
        {
            lock (_gate)
            {
                _fault ??= e;
                _stopping = true;
                Monitor.PulseAll(_gate);
            }
        }
        finally
        {
            _loader.WorkerEnded();
        }
    }

    /// <summary>For each position, how many times its index came earlier in <paramref name="order"/>.</summary>
    private static int[] VisitNumbers(int[] order, int datasetCount)
    {
        var seen = new int[datasetCount];
        var visit = new int[order.Length];
        for (int i = 0; i < order.Length; i++) visit[i] = seen[order[i]]++;
        return visit;
    }

    private void Fill(BatchSlot slot, int row, int index, int visit)
    {
        IImageDataset dataset = _source.Dataset;
        slot.Indices[row] = index;
        slot.Labels[row] = dataset.GetLabel(index);
        RgbImage image;
        try
        {
            image = dataset.Load(index);
        }
        catch (Exception e) when (_options.SkipUnreadable && IsUnreadable(e))
        {
            slot.Skips[row] = new SkippedSample(index, dataset.DescribeSource(index), e.Message);
            return;
        }
        catch (Exception e)
        {
            string hint = IsUnreadable(e) ? $" Set {_options.SkipUnreadableSetting} = true to skip unreadable images." : "";
            slot.Errors[row] = Wrap(index, $"could not be loaded: {e.Message}{hint}", e);
            return;
        }
        try
        {
            // A repeated index (visit > 0) gets its own stream, so its copies are augmented differently.
            Random rng = visit == 0 ? SeedMixer.Create(_options.Seed, _epoch, index) : SeedMixer.Create(_options.Seed, _epoch, index, visit);
            if (slot.Floats is not null) _source.Write(index, image, slot.FloatRow(row), rng);
            else _source.Write(index, image, slot.ByteRow(row), rng);
        }
        catch (Exception e)
        {
            image.Dispose(); // idempotent: harmless if the encoder already consumed it
            slot.Errors[row] = Wrap(index, $"could not be encoded: {e.Message}", e);
        }
    }

    private SampleLoadException Wrap(int index, string what, Exception inner)
    {
        string source = _source.Dataset.DescribeSource(index);
        return new SampleLoadException(index, source, $"Sample {index} ({source}) of epoch {_epoch} {what}", inner);
    }

    private static bool IsUnreadable(Exception e) => e is IOException or InvalidDataException or UnauthorizedAccessException;

    private void ThrowIfStopped()
    {
        if (!_stopping) return;
        _token.ThrowIfCancellationRequested();
        if (_fault is not null) throw Fail(new InvalidOperationException($"A DataLoader worker failed in epoch {_epoch}: {_fault.Message}", _fault));
        throw new ObjectDisposedException(nameof(DataLoader), "The DataLoader (or this epoch's enumeration) was disposed while a batch was awaited.");
    }

    private Exception Fail(Exception error)
    {
        _finished = true;
        return error;
    }

    private void ReleaseHeld()
    {
        _current?.Release();
        _current = null;
        if (_held is null) return;
        Recycle(_held);
        _held = null;
    }

    private void Recycle(BatchSlot slot)
    {
        lock (_gate)
        {
            int batch = slot.Batch + _slots.Length;
            slot.Assign(batch < _batchCount ? batch : -1, SizeOf(batch));
            Monitor.PulseAll(_gate);
        }
    }

    private void Finish()
    {
        if (_finished) return;
        _finished = true;
        _loader.Complete(new EpochSummary(_epoch, _yieldedBatches, _yieldedSamples, _skipped.ToArray()));
    }
}
