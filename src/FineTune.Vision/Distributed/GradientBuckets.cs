using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Distributed;

/// <summary>
/// Averages the gradients of a fixed list of parameters over a <see cref="ProcessGroup"/> in buckets (Horovod's tensor
/// fusion, DDP's gradient buckets): consecutive gradients of one dtype and device are copied into a flat buffer of about
/// <see cref="BucketBytes"/>, each buffer is all-reduced in one call and copied back, so a model of hundreds of small
/// tensors costs a few collective calls per step. The buffers are kept between steps. A parameter whose gradient is
/// missing on this rank contributes zeros; one that has a gradient on some ranks but not on others is refused, since
/// the ranks' optimizers would then diverge.
/// </summary>
internal sealed class GradientBuckets : IDisposable
{
    /// <summary>The default bucket size: 4 MiB (Horovod fuses up to 64 MiB, DDP starts at 25 MiB; CPU ranks gain nothing beyond a few MiB).</summary>
    public const long DefaultBucketBytes = 4L << 20;

    /// <summary>The bucket size on CUDA devices: 25 MB, DDP's default (NCCL runs the buckets of a step as one group).</summary>
    public const long GpuBucketBytes = 25_000_000;

    private readonly ProcessGroup _group;
    private readonly Parameter[] _parameters;
    private readonly string[] _names;
    private readonly List<Bucket> _buckets = [];

    public GradientBuckets(ProcessGroup group, IReadOnlyList<(string Name, Parameter Parameter)> parameters, long bucketBytes = DefaultBucketBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bucketBytes, 1);
        (_group, BucketBytes) = (group, bucketBytes);
        _parameters = [.. parameters.Select(p => p.Parameter)];
        _names = [.. parameters.Select(p => p.Name)];
        int start = 0;
        long bytes = 0;
        for (int i = 0; i < _parameters.Length; i++)
        {
            Parameter p = _parameters[i], first = _parameters[start];
            bool sameKind = p.dtype == first.dtype && p.device_type == first.device_type && p.device_index == first.device_index;
            if (i > start && (!sameKind || bytes >= bucketBytes))
            {
                _buckets.Add(new Bucket(_parameters, start, i));
                (start, bytes) = (i, 0);
            }
            bytes += p.NumberOfElements * p.ElementSize;
        }
        if (_parameters.Length > start) _buckets.Add(new Bucket(_parameters, start, _parameters.Length));
    }

    /// <summary>The target size of a bucket in bytes.</summary>
    public long BucketBytes { get; }

    /// <summary>The number of buckets (all-reduce calls per step).</summary>
    public int Count => _buckets.Count;

    /// <summary>Whether the layout was made for exactly these parameters (in order).</summary>
    public bool Covers(IReadOnlyList<(string Name, Parameter Parameter)> parameters) =>
        parameters.Count == _parameters.Length && parameters.Select(p => p.Parameter.Handle).SequenceEqual(_parameters.Select(p => p.Handle));

    /// <summary>
    /// Replaces every gradient by its mean over the ranks; also returns whether every rank's <paramref name="localFlag"/>
    /// was true (one value reduced with the gradients' presence flags: no extra collective).
    /// </summary>
    /// <exception cref="InvalidOperationException">A parameter has a gradient on some ranks only.</exception>
    public bool Average(bool localFlag = true)
    {
        using var noGrad = torch.no_grad();
        using var flags = torch.zeros(_parameters.Length + 1, ScalarType.Float32);
        var present = new float[_parameters.Length + 1];
        for (int i = 0; i < _parameters.Length; i++) present[i] = _parameters[i].grad is null ? 0 : 1;
        present[^1] = localFlag ? 0 : 1;
        using (var values = torch.tensor(present)) flags.copy_(values);
        foreach (Bucket bucket in _buckets) bucket.Pack();
        if (_group is NcclProcessGroup nccl) nccl.Grouped(SumBuckets);
        else SumBuckets();
        _group.AllReduce(flags);
        float[] counts = flags.data<float>().ToArray();
        for (int i = 0; i < _parameters.Length; i++)
            if (counts[i] != 0 && counts[i] != _group.Size)
                throw new InvalidOperationException(
                    $"The parameter '{_names[i]}' has a gradient on {counts[i]} of {_group.Size} ranks: every rank must use the same parameters in each step (data-dependent branches are not supported).");
        foreach (Bucket bucket in _buckets)
        {
            bucket.Flat.div_(_group.Size);
            bucket.Unpack();
        }
        return counts[^1] == 0;
    }

    private void SumBuckets()
    {
        foreach (Bucket bucket in _buckets) _group.AllReduce(bucket.Flat, ReduceOperation.Sum);
    }

    public void Dispose()
    {
        foreach (Bucket bucket in _buckets) bucket.Dispose();
    }

    /// <summary>Parameters [start, end) and the flat buffer their gradients travel in.</summary>
    private sealed class Bucket : IDisposable
    {
        private readonly Parameter[] _parameters;
        private readonly Tensor[] _slices;

        public Bucket(Parameter[] all, int start, int end)
        {
            // Kept across steps: out of any dispose scope the caller (a training step) has open.
            using var scope = torch.NewDisposeScope();
            _parameters = all[start..end];
            long elements = _parameters.Sum(p => p.NumberOfElements);
            Flat = torch.zeros(elements, _parameters[0].dtype, _parameters[0].device).DetachFromDisposeScope();
            _slices = new Tensor[_parameters.Length];
            long offset = 0;
            for (int i = 0; i < _parameters.Length; i++)
            {
                long n = _parameters[i].NumberOfElements;
                _slices[i] = Flat.narrow(0, offset, n).view(_parameters[i].shape).DetachFromDisposeScope();
                offset += n;
            }
        }

        public Tensor Flat { get; }

        public void Pack()
        {
            for (int i = 0; i < _parameters.Length; i++)
            {
                if (_parameters[i].grad is { } g) _slices[i].copy_(g);
                else _slices[i].zero_();
            }
        }

        public void Unpack()
        {
            for (int i = 0; i < _parameters.Length; i++) _parameters[i].grad?.copy_(_slices[i]);
        }

        public void Dispose()
        {
            foreach (Tensor s in _slices) s.Dispose();
            Flat.Dispose();
        }
    }
}
