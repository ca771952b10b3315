namespace FineTune.Vision.Data;

/// <summary>
/// Reads a <see cref="SampleSource"/> in batches: worker threads decode and encode samples in parallel into a bounded
/// ring of batch buffers, and each batch becomes one contiguous [B, C, H, W] tensor (float32, or uint8 for
/// <see cref="DatasetExtensions.WithUInt8"/> sources) plus an int64 label tensor, with no per-sample tensors.
/// </summary>
/// <remarks>
/// <para>Reproducible: the epoch's order is a permutation drawn from (<see cref="DataLoaderOptions.Seed"/>, epoch), and
/// each sample's random generator is <c>SeedMixer.Create(seed, epoch, datasetIndex)</c>, so the same seed gives the same
/// batches whatever the number of workers, and every epoch a new order.</para>
/// <para>Ownership: a <see cref="Batch"/> and its tensors belong to the loader and are valid until the next
/// <c>MoveNext</c> (the next <c>foreach</c> step) or the end of the enumeration; copy what must outlive that.</para>
/// <para>One epoch is enumerated at a time. Stopping early (<c>break</c>), cancelling the token, or disposing the
/// loader stops and joins the workers; a cancelled enumeration throws <see cref="OperationCanceledException"/>.</para>
/// </remarks>
public sealed class DataLoader : IDisposable
{
    private readonly object _lock = new();
    private BatchSlot[]? _pool;
    private EpochRun? _active;
    private bool _disposed;
    private int _liveWorkers;

    /// <summary>Creates a loader over <paramref name="source"/>; no thread starts until an epoch is enumerated.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public DataLoader(SampleSource source, DataLoaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        Options = options ?? new DataLoaderOptions();
        Options.Validate();
        Source = source;
        int count = Options.Sampler?.EpochLength(source.Dataset.Count) ?? source.Dataset.Count, size = Options.BatchSize;
        BatchesPerEpoch = Options.DropLast ? count / size : (count + size - 1) / size;
    }

    /// <summary>Raised on the consuming thread when an epoch's enumeration reaches its end.</summary>
    public event EventHandler<EpochSummary>? EpochCompleted;

    /// <summary>The dataset and per-sample stage this loader reads.</summary>
    public SampleSource Source { get; }

    /// <summary>The options this loader was created with.</summary>
    public DataLoaderOptions Options { get; }

    /// <summary>Batches in one epoch (before any shrinking by <see cref="DataLoaderOptions.SkipUnreadable"/>).</summary>
    public int BatchesPerEpoch { get; }

    /// <summary>The summary of the last epoch enumerated to its end (null before the first).</summary>
    public EpochSummary? LastEpochSummary { get; private set; }

    internal bool IsDisposed => _disposed;

    /// <summary>Worker threads currently running (for tests: zero after an enumeration is disposed).</summary>
    internal int LiveWorkers => Volatile.Read(ref _liveWorkers);

    internal void WorkerStarted() => Interlocked.Increment(ref _liveWorkers);

    internal void WorkerEnded() => Interlocked.Decrement(ref _liveWorkers);

    /// <summary>The batches of epoch <paramref name="epoch"/>; the epoch index feeds the shuffle and the per-sample seeds.</summary>
    /// <exception cref="ObjectDisposedException">The loader was disposed (also thrown by the enumeration).</exception>
    /// <exception cref="InvalidOperationException">Another epoch of this loader is being enumerated (on enumeration).</exception>
    /// <exception cref="SampleLoadException">A sample could not be loaded or encoded (on enumeration); names its index and file.</exception>
    public IEnumerable<Batch> Epoch(int epoch, CancellationToken cancellationToken = default) => Epoch(epoch, 0, cancellationToken);

    /// <summary>
    /// The batches of epoch <paramref name="epoch"/> from batch <paramref name="firstBatch"/> on: the same batches (and
    /// batch indices) as a full enumeration yields from that point, without loading the samples of the batches skipped.
    /// Resuming in the middle of an epoch uses it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="firstBatch"/> is negative or beyond <see cref="BatchesPerEpoch"/>.</exception>
    /// <inheritdoc cref="Epoch(int, CancellationToken)" path="/exception"/>
    public IEnumerable<Batch> Epoch(int epoch, int firstBatch, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        ArgumentOutOfRangeException.ThrowIfNegative(firstBatch);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(firstBatch, BatchesPerEpoch);
        return Enumerate(epoch, firstBatch, cancellationToken);
    }

    /// <summary>Stops and joins the workers of an enumeration in progress and releases the batch buffers. Idempotent.</summary>
    public void Dispose()
    {
        EpochRun? active;
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
            active = _active;
        }
        active?.Dispose();
        _pool = null;
    }

    private IEnumerable<Batch> Enumerate(int epoch, int firstBatch, CancellationToken cancellationToken)
    {
        using EpochRun run = BeginRun(epoch, firstBatch, cancellationToken);
        while (run.MoveNext()) yield return run.Current;
    }

    private EpochRun BeginRun(int epoch, int firstBatch, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_active is not null)
                throw new InvalidOperationException($"Epoch {epoch} was requested while another epoch of this DataLoader is being enumerated; finish or dispose that enumeration first.");
            BatchSlot[] slots = _pool ?? CreateSlots();
            _pool = null;
            _active = new EpochRun(this, slots, epoch, firstBatch, cancellationToken);
            return _active;
        }
    }

    private BatchSlot[] CreateSlots()
    {
        int rows = Math.Min(Options.BatchSize, Math.Max(1, Source.Dataset.Count));
        bool bytes = Source.ElementType == TorchSharp.torch.ScalarType.Byte;
        return [.. Enumerable.Range(0, Options.PrefetchBatches + 1).Select(_ => new BatchSlot(rows, Source.SampleLength, bytes))];
    }

    internal void EndRun(EpochRun run, BatchSlot[] slots)
    {
        lock (_lock)
        {
            if (_active == run) _active = null;
            if (!_disposed) _pool = slots;
        }
    }

    internal void Complete(EpochSummary summary)
    {
        LastEpochSummary = summary;
        EpochCompleted?.Invoke(this, summary);
    }
}
