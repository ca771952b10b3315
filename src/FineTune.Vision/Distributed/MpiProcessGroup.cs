using System.Runtime.InteropServices;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Distributed;

/// <summary>
/// The MPI world communicator as a process group (MPICH ABI, <see cref="MpiLibrary"/>). MPI is initialised once per
/// process and finalised when the process exits. Errors are returned, not fatal, and become <see cref="IOException"/>s
/// naming the call and the rank. Tensors off the CPU are staged through host memory.
/// </summary>
internal sealed class MpiProcessGroup : ProcessGroup
{
    /// <summary>The largest element count passed to one MPI call (its counts are 32-bit).</summary>
    private const int MaxCount = 1 << 30;

    private static MpiProcessGroup? _world;
    private readonly MpiLibrary _mpi;
    private readonly object _gate = new();

    private MpiProcessGroup(MpiLibrary mpi)
    {
        _mpi = mpi;
        if (!mpi.Initialized)
        {
            int provided = mpi.InitThread();
            if (provided < MpiLibrary.ThreadSerialized)
                Console.Error.WriteLine($"FineTune.Vision: the MPI library provides thread level {provided} (< MPI_THREAD_SERIALIZED); keep training on one thread.");
            AppDomain.CurrentDomain.ProcessExit += (_, _) => FinalizeAtExit();
            AppDomain.CurrentDomain.UnhandledException += (_, _) => AbortJob(1);
        }
        mpi.ReturnErrors();
        (Rank, Size) = (mpi.CommRank(), mpi.CommSize());
        Backend = $"MPI ({mpi.LibraryVersion()}, {mpi.Path})";
    }

    /// <summary>The world communicator, initialising MPI on the first call.</summary>
    /// <exception cref="PlatformNotSupportedException">The launcher is Open MPI.</exception>
    public static MpiProcessGroup World(Launcher launcher)
    {
        if (_world is { } world) return world;
        if (launcher.IsOpenMpi)
            throw new PlatformNotSupportedException(
                "This process was started by Open MPI's mpirun, but FineTune.Vision binds the MPICH ABI (MPICH, Intel MPI, MVAPICH, Cray MPICH): " +
                "Open MPI's handles are addresses of library globals, not MPICH's integer constants. Launch with an MPICH-family mpiexec (see docs/distributed.md).");
        world = _world = new MpiProcessGroup(MpiLibrary.Load());
        if (world.Size != launcher.Size)
            throw new InvalidOperationException(
                $"The launcher ({launcher.Name}) announced {launcher.Size} processes but MPI's world has {world.Size}: the program was linked against another MPI than the one that launched it ({world._mpi.Path}).");
        world.AnnounceRanks();
        return world;
    }

    public override int Rank { get; }

    public override int Size { get; }

    public override string Backend { get; }

    /// <summary>Rank 0 prints one line mapping ranks to hosts and process ids, so a launcher's report of a lost pid names its rank.</summary>
    private void AnnounceRanks()
    {
        long[] pids = AllGather((long)Environment.ProcessId);
        string[] hosts = AllGatherText(Environment.MachineName, 64);
        if (IsMain)
            Console.Error.WriteLine($"FineTune.Vision: {Size} ranks over {Backend}: " +
                string.Join(", ", Enumerable.Range(0, Size).Select(r => $"rank {r} pid {pids[r]} on {hosts[r]}")));
    }

    public override void AllReduce(Tensor tensor, ReduceOperation operation = ReduceOperation.Sum)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (!tensor.is_contiguous()) throw new ArgumentException("AllReduce needs a contiguous tensor; call .contiguous() first.", nameof(tensor));
        if (operation == ReduceOperation.Average && !tensor.is_floating_point())
            throw new ArgumentException($"{ReduceOperation.Average} needs a floating-point tensor (was {tensor.dtype}).", nameof(operation));
        int op = operation switch
        {
            ReduceOperation.Sum or ReduceOperation.Average => MpiLibrary.OpSum,
            ReduceOperation.Max => MpiLibrary.OpMax,
            ReduceOperation.Min => MpiLibrary.OpMin,
            _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, "Not a ReduceOperation."),
        };
        using var noGrad = torch.no_grad();
        if (tensor.device_type != DeviceType.CPU || tensor.dtype is ScalarType.BFloat16 or ScalarType.Float16)
        {
            // Staged: 16-bit floats are summed in float32 (MPI has no bfloat16), device tensors through host memory.
            ScalarType staged = tensor.dtype is ScalarType.BFloat16 or ScalarType.Float16 ? ScalarType.Float32 : tensor.dtype;
            using Tensor host = tensor.to(staged, torch.CPU).contiguous();
            AllReduce(host, operation);
            tensor.copy_(host);
            return;
        }
        int type = MpiType(tensor.dtype);
        Chunked(tensor, (address, count) => _mpi.Allreduce(address, count, type, op), "MPI_Allreduce");
        if (operation == ReduceOperation.Average) tensor.div_(Size);
    }

    public override void Broadcast(Tensor tensor, int root = 0)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        CheckRoot(root);
        if (!tensor.is_contiguous()) throw new ArgumentException("Broadcast needs a contiguous tensor; call .contiguous() first.", nameof(tensor));
        using var noGrad = torch.no_grad();
        if (tensor.device_type != DeviceType.CPU)
        {
            using Tensor host = tensor.cpu().contiguous();
            Broadcast(host, root);
            tensor.copy_(host);
            return;
        }
        // Bytes: any dtype, bfloat16 included, travels unchanged.
        long bytes = tensor.NumberOfElements * tensor.ElementSize;
        nint start = Address(tensor);
        for (long offset = 0; offset < bytes; offset += MaxCount)
        {
            int count = (int)Math.Min(MaxCount, bytes - offset);
            Check(Call(() => _mpi.Bcast(start + (nint)offset, count, MpiLibrary.Byte, root)), "MPI_Bcast");
        }
    }

    public override void Barrier() => Check(Call(_mpi.Barrier), "MPI_Barrier");

    public override long[] AllGather(long value)
    {
        var result = new long[Size];
        GatherInto(MemoryMarshal.AsBytes(new ReadOnlySpan<long>(in value)).ToArray(), result.AsSpan());
        return result;
    }

    public override double[] AllGather(double value)
    {
        var result = new double[Size];
        GatherInto(MemoryMarshal.AsBytes(new ReadOnlySpan<double>(in value)).ToArray(), result.AsSpan());
        return result;
    }

    internal override byte[] BroadcastBytes(byte[] data, int root = 0)
    {
        CheckRoot(root);
        using var length = torch.tensor(new long[] { Rank == root ? data.Length : 0 });
        Broadcast(length, root);
        using var buffer = Rank == root ? torch.tensor(data) : torch.zeros(length[0].item<long>(), ScalarType.Byte);
        if (buffer.NumberOfElements > 0) Broadcast(buffer, root);
        return buffer.data<byte>().ToArray();
    }

    /// <summary>Every rank's text, cut or padded to <paramref name="width"/> UTF-8 bytes.</summary>
    private string[] AllGatherText(string text, int width)
    {
        var mine = new byte[width];
        byte[] encoded = Encoding.UTF8.GetBytes(text);
        Array.Copy(encoded, mine, Math.Min(width, encoded.Length));
        var all = new byte[width * Size];
        GatherInto(mine, all.AsSpan());
        return [.. Enumerable.Range(0, Size).Select(r => Encoding.UTF8.GetString(all, r * width, width).TrimEnd('\0'))];
    }

    private unsafe void GatherInto<T>(byte[] mine, Span<T> all) where T : unmanaged
    {
        fixed (byte* send = mine)
        fixed (T* receive = all)
        {
            nint s = (nint)send, r = (nint)receive;
            Check(Call(() => _mpi.Allgather(s, mine.Length, MpiLibrary.Byte, r)), "MPI_Allgather");
        }
    }

    private void Chunked(Tensor tensor, Func<nint, int, int> call, string name)
    {
        long elements = tensor.NumberOfElements, size = tensor.ElementSize;
        nint start = Address(tensor);
        for (long offset = 0; offset < elements; offset += MaxCount)
        {
            int count = (int)Math.Min(MaxCount, elements - offset);
            nint address = start + (nint)(offset * size);
            Check(Call(() => call(address, count)), name);
        }
    }

    private static nint Address(Tensor tensor) => TensorMemory.Address(tensor);

    private int Call(Func<int> call)
    {
        lock (_gate) return call();
    }

    private void Check(int code, string call)
    {
        if (code != 0) throw new IOException($"{call} failed on rank {Rank} of {Size}: {_mpi.ErrorString(code)}");
    }

    /// <summary>MPI_Abort on the world: the launcher ends every rank (MPICH's Hydra reports the exit code).</summary>
    private void AbortJob(int code)
    {
        Console.Error.Flush();
        Console.Out.Flush();
        if (!_mpi.Finalized) _mpi.Abort(code);
    }

    private static int MpiType(ScalarType type) => type switch
    {
        ScalarType.Float32 => MpiLibrary.Float,
        ScalarType.Float64 => MpiLibrary.Double,
        ScalarType.Int32 => MpiLibrary.Int32,
        ScalarType.Int64 => MpiLibrary.Int64,
        ScalarType.Byte => MpiLibrary.UInt8,
        _ => throw new ArgumentException($"AllReduce does not take {type} tensors (float32, float64, bfloat16, float16, int32, int64, uint8)."),
    };

    /// <summary>
    /// At exit: a failed process (non-zero exit code) aborts the job, so that the other ranks do not wait for it in their
    /// next collective; a successful one finalises MPI.
    /// </summary>
    private void FinalizeAtExit()
    {
        if (Environment.ExitCode != 0)
        {
            AbortJob(Environment.ExitCode);
            return;
        }
        try
        {
            lock (_gate)
                if (!_mpi.Finalized) _mpi.FinalizeMpi();
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"FineTune.Vision: {e.Message}");
        }
    }
}
