using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Distributed;

/// <summary>
/// NCCL for CUDA tensors over the ranks of an MPI world (Horovod's arrangement): rank 0's NCCL unique id is broadcast
/// over MPI, each rank joins with <c>ncclCommInitRank</c> on its device, and tensor collectives run on the device's
/// default stream (ordered with libtorch's kernels on it). Host-side collectives (barrier, all-gather of values) and
/// CPU tensors go over MPI.
/// </summary>
internal sealed class NcclProcessGroup : ProcessGroup
{
    private readonly ProcessGroup _mpi;
    private readonly NcclLibrary _nccl;
    private readonly Device _device;
    private nint _comm;

    /// <param name="mpi">
    /// The host group that carries the unique id, host-side collectives and CPU tensors: the MPI world, or
    /// <see cref="ProcessGroup.Single"/> for a world of one (what the GPU kit's one-rank NCCL test uses: no MPI needed).
    /// </param>
    /// <param name="device">This rank's CUDA device.</param>
    /// <exception cref="DllNotFoundException">NCCL (or, for a device index above 0, the CUDA runtime) cannot be loaded.</exception>
    public NcclProcessGroup(ProcessGroup mpi, Device device)
    {
        _mpi = mpi;
        _device = device;
        _nccl = NcclLibrary.Load();
        if (device.index > 0) CudaRuntime.SetDevice(device.index);
        byte[] id = mpi.BroadcastBytes(mpi.IsMain ? _nccl.GetUniqueId().ToArray() : new byte[NcclLibrary.UniqueIdBytes]);
        _comm = _nccl.CommInitRank(mpi.Size, NcclLibrary.UniqueId.From(id), mpi.Rank);
        int v = _nccl.Version();
        Backend = $"NCCL {v / 10000}.{v / 100 % 100}.{v % 100} over {mpi.Backend}";
    }

    public override int Rank => _mpi.Rank;

    public override int Size => _mpi.Size;

    public override string Backend { get; }

    public override void AllReduce(Tensor tensor, ReduceOperation operation = ReduceOperation.Sum)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (tensor.device_type != DeviceType.CUDA) { _mpi.AllReduce(tensor, operation); return; }
        if (!tensor.is_contiguous()) throw new ArgumentException("AllReduce needs a contiguous tensor; call .contiguous() first.", nameof(tensor));
        if (operation == ReduceOperation.Average && !tensor.is_floating_point())
            throw new ArgumentException($"{ReduceOperation.Average} needs a floating-point tensor (was {tensor.dtype}).", nameof(operation));
        int op = operation switch
        {
            ReduceOperation.Sum or ReduceOperation.Average => NcclLibrary.Sum,
            ReduceOperation.Max => NcclLibrary.Max,
            ReduceOperation.Min => NcclLibrary.Min,
            _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, "Not a ReduceOperation."),
        };
        ObjectDisposedException.ThrowIf(_comm == 0, this);
        if (tensor.NumberOfElements > 0) _nccl.AllReduce(TensorMemory.Address(tensor), tensor.NumberOfElements, NcclType(tensor.dtype), op, _comm);
        CheckAsync();
        if (operation == ReduceOperation.Average)
        {
            using var noGrad = torch.no_grad();
            tensor.div_(Size);
        }
    }

    public override void Broadcast(Tensor tensor, int root = 0)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        CheckRoot(root);
        if (tensor.device_type != DeviceType.CUDA) { _mpi.Broadcast(tensor, root); return; }
        if (!tensor.is_contiguous()) throw new ArgumentException("Broadcast needs a contiguous tensor; call .contiguous() first.", nameof(tensor));
        ObjectDisposedException.ThrowIf(_comm == 0, this);
        // Bytes: every dtype travels unchanged.
        if (tensor.NumberOfElements > 0) _nccl.Broadcast(TensorMemory.Address(tensor), tensor.NumberOfElements * tensor.ElementSize, NcclLibrary.Uint8, root, _comm);
        CheckAsync();
    }

    /// <summary>Runs several tensor collectives as one NCCL group (one launch for the bucketed gradients).</summary>
    public void Grouped(Action collectives)
    {
        _nccl.GroupStart();
        try { collectives(); }
        finally { _nccl.GroupEnd(); }
    }

    public override void Barrier()
    {
        torch.cuda.synchronize(_device);
        _mpi.Barrier();
    }

    public override long[] AllGather(long value) => _mpi.AllGather(value);

    public override double[] AllGather(double value) => _mpi.AllGather(value);

    internal override byte[] BroadcastBytes(byte[] data, int root = 0) => _mpi.BroadcastBytes(data, root);

    private void CheckAsync()
    {
        int error = _nccl.AsyncError(_comm);
        if (error != 0) throw new IOException($"NCCL failed on rank {Rank} of {Size}: {_nccl.ErrorString(error)} (NCCL result {error}).");
    }

    private static int NcclType(ScalarType type) => type switch
    {
        ScalarType.Float32 => NcclLibrary.Float32,
        ScalarType.Float64 => NcclLibrary.Float64,
        ScalarType.BFloat16 => NcclLibrary.BFloat16,
        ScalarType.Float16 => NcclLibrary.Float16,
        ScalarType.Int32 => NcclLibrary.Int32,
        ScalarType.Int64 => NcclLibrary.Int64,
        ScalarType.Byte => NcclLibrary.Uint8,
        ScalarType.Int8 => NcclLibrary.Int8,
        _ => throw new ArgumentException($"AllReduce does not take {type} tensors on CUDA."),
    };

    protected override void Dispose(bool disposing)
    {
        if (_comm == 0) return;
        _nccl.CommDestroy(_comm);
        _comm = 0;
    }

    /// <summary><c>cudaSetDevice</c>, so that NCCL joins on the trainer's device (NCCL uses the current device).</summary>
    private static unsafe class CudaRuntime
    {
        private static readonly string[] Names = ["libcudart.so.12", "libcudart.so.13", "libcudart.so.11.0", "libcudart.so"];

        public static void SetDevice(int index)
        {
            foreach (string name in Names)
            {
                if (!NativeLibrary.TryLoad(name, out nint handle) || !NativeLibrary.TryGetExport(handle, "cudaSetDevice", out nint address)) continue;
                int code = ((delegate* unmanaged<int, int>)address)(index);
                if (code != 0) throw new IOException($"cudaSetDevice({index}) failed with CUDA error {code}.");
                return;
            }
            throw new DllNotFoundException($"Joining NCCL on cuda:{index} needs the CUDA runtime to select the device (tried {string.Join(", ", Names)}); or give each rank one GPU with CUDA_VISIBLE_DEVICES and train on cuda:0.");
        }
    }
}
