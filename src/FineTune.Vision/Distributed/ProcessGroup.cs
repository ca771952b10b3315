using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Distributed;

/// <summary>
/// The processes of a data-parallel run (Horovod's and <c>torch.distributed</c>'s process group): one process per
/// device, each with a rank in [0, <see cref="Size"/>), exchanging tensors by collective operations that every rank
/// calls in the same order. <see cref="FromEnvironment"/> joins the group a launcher (<c>mpiexec</c>, <c>srun</c>)
/// started, over MPI on the CPU and NCCL for CUDA tensors; <see cref="Single"/> is a world of one, where every
/// operation leaves its data as it is.
/// </summary>
/// <remarks>
/// Collectives are blocking and must be called by every rank with tensors of the same shape and type, from one thread
/// at a time. See docs/distributed.md.
/// </remarks>
public abstract class ProcessGroup : IDisposable
{
    private static readonly object Gate = new();
    private static ProcessGroup? _world;

    /// <summary>Only this library's backends derive from it (single process, MPI, NCCL).</summary>
    private protected ProcessGroup() { }

    /// <summary>A world of one process: rank 0 of 1, collectives leave the data unchanged. Shared; disposing it does nothing.</summary>
    public static ProcessGroup Single { get; } = new SingleProcessGroup();

    /// <summary>
    /// The group this process was launched into: with a launcher's variables for more than one process (MPICH/Hydra,
    /// Intel MPI, MVAPICH, Slurm's <c>srun</c>), MPI is initialised once per process and the world communicator is returned,
    /// carried by NCCL when <paramref name="device"/> is a CUDA device; otherwise <see cref="Single"/>, so a program
    /// started on its own behaves exactly as without this class. Repeated calls return the same group.
    /// </summary>
    /// <param name="device">The device whose tensors the group exchanges (null: the CPU).</param>
    /// <exception cref="DllNotFoundException">A launcher started the process but the MPI (or, for CUDA, the NCCL) library cannot be loaded.</exception>
    /// <exception cref="PlatformNotSupportedException">The launcher is Open MPI, whose ABI is not bound (see docs/distributed.md).</exception>
    public static ProcessGroup FromEnvironment(Device? device = null)
    {
        if (Launcher.Detect() is not { } launcher) return Single;
        lock (Gate)
        {
            if (_world is { } existing)
            {
                bool cuda = device?.type == DeviceType.CUDA;
                if (cuda == existing is NcclProcessGroup) return existing;
                throw new InvalidOperationException(
                    $"This process already joined its process group for {(cuda ? "CPU" : "CUDA")} tensors ({existing.Backend}); one process trains on one kind of device.");
            }
            MpiProcessGroup mpi = MpiProcessGroup.World(launcher);
            return _world = device?.type == DeviceType.CUDA ? new NcclProcessGroup(mpi, device) : mpi;
        }
    }

    /// <summary>This process's rank, 0 ≤ rank &lt; <see cref="Size"/>.</summary>
    public abstract int Rank { get; }

    /// <summary>The number of processes.</summary>
    public abstract int Size { get; }

    /// <summary>Whether this is rank 0, the one that writes checkpoints, logs and plots.</summary>
    public bool IsMain => Rank == 0;

    /// <summary>The transport, e.g. "single process", "MPI (MPICH 4.0.2)" or "NCCL 2.21.5 over MPI".</summary>
    public abstract string Backend { get; }

    /// <summary>
    /// Combines <paramref name="tensor"/> element by element over the ranks, in place, so every rank ends with the result.
    /// The tensor must be contiguous; float32, float64, bfloat16, float16, int32, int64 and uint8 are accepted
    /// (16-bit floats are summed in float32 over MPI).
    /// </summary>
    /// <exception cref="ArgumentException">The tensor is not contiguous, or of an unsupported type (or an integer type with <see cref="ReduceOperation.Average"/>).</exception>
    /// <exception cref="IOException">The transport failed (the message names the call and the rank).</exception>
    public abstract void AllReduce(Tensor tensor, ReduceOperation operation = ReduceOperation.Sum);

    /// <summary>Replaces <paramref name="tensor"/> on every rank with rank <paramref name="root"/>'s values, in place.</summary>
    /// <inheritdoc cref="AllReduce" path="/exception"/>
    public abstract void Broadcast(Tensor tensor, int root = 0);

    /// <summary>Returns when every rank has called it.</summary>
    /// <exception cref="IOException">The transport failed.</exception>
    public abstract void Barrier();

    /// <summary>Every rank's <paramref name="value"/>, indexed by rank.</summary>
    /// <exception cref="IOException">The transport failed.</exception>
    public abstract long[] AllGather(long value);

    /// <summary>Every rank's <paramref name="value"/>, indexed by rank.</summary>
    /// <exception cref="IOException">The transport failed.</exception>
    public abstract double[] AllGather(double value);

    /// <summary>Rank <paramref name="root"/>'s bytes on every rank (the other ranks' <paramref name="data"/> is ignored).</summary>
    internal abstract byte[] BroadcastBytes(byte[] data, int root = 0);

    /// <summary>Checks a rank argument.</summary>
    private protected void CheckRoot(int root)
    {
        if (root < 0 || root >= Size) throw new ArgumentOutOfRangeException(nameof(root), root, $"The root rank must be in [0, {Size}).");
    }

    /// <summary>Releases what the group holds (an NCCL communicator). The MPI world stays until the process exits.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the group's resources.</summary>
    protected virtual void Dispose(bool disposing) { }
}
