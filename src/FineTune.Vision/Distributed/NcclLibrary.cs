using System.Runtime.InteropServices;

namespace FineTune.Vision.Distributed;

/// <summary>The NCCL calls the process group needs, bound by function pointers to <c>libnccl.so.2</c> (nccl.h's C API).</summary>
internal sealed unsafe class NcclLibrary
{
    /// <summary>The size of <c>ncclUniqueId</c> (NCCL_UNIQUE_ID_BYTES).</summary>
    public const int UniqueIdBytes = 128;

    // ncclDataType_t and ncclRedOp_t of nccl.h.
    public const int Int8 = 0, Uint8 = 1, Int32 = 2, Int64 = 4, Float16 = 6, Float32 = 7, Float64 = 8, BFloat16 = 9;
    public const int Sum = 0, Max = 2, Min = 3;

    /// <summary>The file names tried, in order, when <c>FTV_NCCL_LIBRARY</c> does not name one.</summary>
    public static readonly string[] Candidates = ["libnccl.so.2", "libnccl.so"];

    private readonly delegate* unmanaged<int*, int> _getVersion;
    private readonly delegate* unmanaged<UniqueId*, int> _getUniqueId;
    private readonly delegate* unmanaged<nint*, int, UniqueId, int, int> _commInitRank;
    private readonly delegate* unmanaged<nint, int> _commDestroy;
    private readonly delegate* unmanaged<nint, int*, int> _commGetAsyncError;
    private readonly delegate* unmanaged<int, nint> _getErrorString;
    private readonly delegate* unmanaged<nint, nint, nuint, int, int, nint, nint, int> _allReduce;
    private readonly delegate* unmanaged<nint, nint, nuint, int, int, nint, nint, int> _broadcast;
    private readonly delegate* unmanaged<int> _groupStart, _groupEnd;

    /// <summary>nccl.h's <c>ncclUniqueId</c>: 128 opaque bytes, passed by value to <c>ncclCommInitRank</c>.</summary>
    [StructLayout(LayoutKind.Sequential, Size = UniqueIdBytes)]
    public struct UniqueId
    {
        private fixed byte _bytes[UniqueIdBytes];

        public static UniqueId From(byte[] bytes)
        {
            if (bytes.Length != UniqueIdBytes) throw new ArgumentException($"An NCCL unique id has {UniqueIdBytes} bytes (got {bytes.Length}).", nameof(bytes));
            UniqueId id = default;
            for (int i = 0; i < UniqueIdBytes; i++) id._bytes[i] = bytes[i];
            return id;
        }

        public readonly byte[] ToArray()
        {
            var bytes = new byte[UniqueIdBytes];
            for (int i = 0; i < UniqueIdBytes; i++) bytes[i] = _bytes[i];
            return bytes;
        }
    }

    private NcclLibrary(nint handle, string path)
    {
        Path = path;
        _getVersion = (delegate* unmanaged<int*, int>)Export(handle, "ncclGetVersion");
        _getUniqueId = (delegate* unmanaged<UniqueId*, int>)Export(handle, "ncclGetUniqueId");
        _commInitRank = (delegate* unmanaged<nint*, int, UniqueId, int, int>)Export(handle, "ncclCommInitRank");
        _commDestroy = (delegate* unmanaged<nint, int>)Export(handle, "ncclCommDestroy");
        _commGetAsyncError = (delegate* unmanaged<nint, int*, int>)Export(handle, "ncclCommGetAsyncError");
        _getErrorString = (delegate* unmanaged<int, nint>)Export(handle, "ncclGetErrorString");
        _allReduce = (delegate* unmanaged<nint, nint, nuint, int, int, nint, nint, int>)Export(handle, "ncclAllReduce");
        _broadcast = (delegate* unmanaged<nint, nint, nuint, int, int, nint, nint, int>)Export(handle, "ncclBroadcast");
        _groupStart = (delegate* unmanaged<int>)Export(handle, "ncclGroupStart");
        _groupEnd = (delegate* unmanaged<int>)Export(handle, "ncclGroupEnd");
    }

    /// <summary>The file the library was loaded from.</summary>
    public string Path { get; }

    /// <summary>Loads the library named by <c>FTV_NCCL_LIBRARY</c>, else the first of <see cref="Candidates"/> found.</summary>
    /// <exception cref="DllNotFoundException">NCCL could not be loaded; the message says how to get it or train over MPI instead.</exception>
    public static NcclLibrary Load()
    {
        string? chosen = Environment.GetEnvironmentVariable("FTV_NCCL_LIBRARY");
        string[] names = string.IsNullOrWhiteSpace(chosen) ? Candidates : [chosen];
        foreach (string name in names)
            if (NativeLibrary.TryLoad(name, out nint handle)) return new NcclLibrary(handle, name);
        throw new DllNotFoundException(
            $"Distributed training on CUDA needs NCCL, but it could not be loaded (tried {string.Join(", ", names)}). Install it (e.g. apt-get install libnccl2, " +
            "or the nvidia-nccl-cu12 wheel's lib folder on LD_LIBRARY_PATH) or name it in FTV_NCCL_LIBRARY.");
    }

    private static nint Export(nint handle, string name) =>
        NativeLibrary.TryGetExport(handle, name, out nint address)
            ? address
            : throw new EntryPointNotFoundException($"The NCCL library has no '{name}' (NCCL ≥ 2.4 is needed).");

    /// <summary>The version as NCCL encodes it (e.g. 22105 for 2.21.5).</summary>
    public int Version() { int v; Check(_getVersion(&v), "ncclGetVersion"); return v; }

    public UniqueId GetUniqueId() { UniqueId id; Check(_getUniqueId(&id), "ncclGetUniqueId"); return id; }

    public nint CommInitRank(int size, UniqueId id, int rank) { nint comm; Check(_commInitRank(&comm, size, id, rank), "ncclCommInitRank"); return comm; }

    public void CommDestroy(nint comm) => Check(_commDestroy(comm), "ncclCommDestroy");

    /// <summary>The communicator's asynchronous error (0: none), e.g. a peer lost during a collective.</summary>
    public int AsyncError(nint comm) { int error; Check(_commGetAsyncError(comm, &error), "ncclCommGetAsyncError"); return error; }

    public void AllReduce(nint buffer, long count, int type, int op, nint comm) =>
        Check(_allReduce(buffer, buffer, (nuint)count, type, op, comm, 0), "ncclAllReduce");

    public void Broadcast(nint buffer, long count, int type, int root, nint comm) =>
        Check(_broadcast(buffer, buffer, (nuint)count, type, root, comm, 0), "ncclBroadcast");

    public void GroupStart() => Check(_groupStart(), "ncclGroupStart");

    public void GroupEnd() => Check(_groupEnd(), "ncclGroupEnd");

    public string ErrorString(int code) => Marshal.PtrToStringAnsi(_getErrorString(code)) ?? $"NCCL error {code}";

    private void Check(int code, string call)
    {
        if (code != 0) throw new IOException($"{call} failed: {ErrorString(code)} (NCCL result {code}).");
    }
}
