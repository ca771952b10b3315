using System.Runtime.InteropServices;
using System.Text;

namespace FineTune.Vision.Distributed;

/// <summary>
/// The dozen MPI calls the process group needs, bound by function pointers to a library of the MPICH ABI
/// (MPICH, Intel MPI, MVAPICH, Cray MPICH: handles are integers with the values of MPICH's <c>mpi.h</c>).
/// </summary>
internal sealed unsafe class MpiLibrary
{
    // Handle values of MPICH's mpi.h (the ABI the MPICH family shares).
    public const int CommWorld = 0x44000000;
    public const int Byte = 0x4c00010d, Int32 = 0x4c000405, Int64 = 0x4c00083a, UInt8 = 0x4c00013b, Float = 0x4c00040a, Double = 0x4c00080b;
    public const int OpMax = 0x58000001, OpMin = 0x58000002, OpSum = 0x58000003;
    public const int ErrorsReturn = 0x54000001;
    public const int ThreadSerialized = 2;
    public static readonly nint InPlace = -1;

    /// <summary>The file names tried, in order, when <c>FTV_MPI_LIBRARY</c> does not name one.</summary>
    public static readonly string[] Candidates = ["libmpich.so.12", "libmpi.so.12", "libmpich.so", "libmpi.so"];

    private readonly delegate* unmanaged<int*, int> _initialized, _finalized;
    private readonly delegate* unmanaged<int*, byte***, int, int*, int> _initThread;
    private readonly delegate* unmanaged<int> _finalize;
    private readonly delegate* unmanaged<int, int*, int> _commRank, _commSize;
    private readonly delegate* unmanaged<int, int, int> _setErrhandler, _abort;
    private readonly delegate* unmanaged<int, byte*, int*, int> _errorString;
    private readonly delegate* unmanaged<byte*, int*, int> _libraryVersion;
    private readonly delegate* unmanaged<nint, nint, int, int, int, int, int> _allreduce;
    private readonly delegate* unmanaged<nint, int, int, int, int, int> _bcast;
    private readonly delegate* unmanaged<int, int> _barrier;
    private readonly delegate* unmanaged<nint, int, int, nint, int, int, int, int> _allgather;

    private MpiLibrary(nint handle, string path)
    {
        Path = path;
        _initialized = (delegate* unmanaged<int*, int>)Export(handle, "MPI_Initialized");
        _finalized = (delegate* unmanaged<int*, int>)Export(handle, "MPI_Finalized");
        _initThread = (delegate* unmanaged<int*, byte***, int, int*, int>)Export(handle, "MPI_Init_thread");
        _finalize = (delegate* unmanaged<int>)Export(handle, "MPI_Finalize");
        _commRank = (delegate* unmanaged<int, int*, int>)Export(handle, "MPI_Comm_rank");
        _commSize = (delegate* unmanaged<int, int*, int>)Export(handle, "MPI_Comm_size");
        _setErrhandler = (delegate* unmanaged<int, int, int>)Export(handle, "MPI_Comm_set_errhandler");
        _abort = (delegate* unmanaged<int, int, int>)Export(handle, "MPI_Abort");
        _errorString = (delegate* unmanaged<int, byte*, int*, int>)Export(handle, "MPI_Error_string");
        _libraryVersion = (delegate* unmanaged<byte*, int*, int>)Export(handle, "MPI_Get_library_version");
        _allreduce = (delegate* unmanaged<nint, nint, int, int, int, int, int>)Export(handle, "MPI_Allreduce");
        _bcast = (delegate* unmanaged<nint, int, int, int, int, int>)Export(handle, "MPI_Bcast");
        _barrier = (delegate* unmanaged<int, int>)Export(handle, "MPI_Barrier");
        _allgather = (delegate* unmanaged<nint, int, int, nint, int, int, int, int>)Export(handle, "MPI_Allgather");
    }

    /// <summary>The file the library was loaded from.</summary>
    public string Path { get; }

    /// <summary>Loads the library named by <c>FTV_MPI_LIBRARY</c>, else the first of <see cref="Candidates"/> found.</summary>
    /// <exception cref="DllNotFoundException">No MPI library of the MPICH ABI could be loaded.</exception>
    public static MpiLibrary Load()
    {
        string? chosen = Environment.GetEnvironmentVariable("FTV_MPI_LIBRARY");
        string[] names = string.IsNullOrWhiteSpace(chosen) ? Candidates : [chosen];
        foreach (string name in names)
            if (NativeLibrary.TryLoad(name, out nint handle)) return new MpiLibrary(handle, name);
        throw new DllNotFoundException(
            $"This process was started by an MPI launcher, but no MPI library of the MPICH ABI could be loaded (tried {string.Join(", ", names)}). " +
            "Install one (Debian/Ubuntu: apt-get install mpich) or name it in FTV_MPI_LIBRARY.");
    }

    private static nint Export(nint handle, string name) =>
        NativeLibrary.TryGetExport(handle, name, out nint address)
            ? address
            : throw new EntryPointNotFoundException($"The MPI library has no '{name}': it is not an MPI library of the MPICH ABI (MPI ≥ 3.0).");

    public bool Initialized { get { int flag; Check(_initialized(&flag), "MPI_Initialized"); return flag != 0; } }

    public bool Finalized { get { int flag; Check(_finalized(&flag), "MPI_Finalized"); return flag != 0; } }

    /// <summary>MPI_Init_thread with MPI_THREAD_SERIALIZED; returns the level provided.</summary>
    public int InitThread()
    {
        int provided;
        Check(_initThread(null, null, ThreadSerialized, &provided), "MPI_Init_thread");
        return provided;
    }

    public void FinalizeMpi() => Check(_finalize(), "MPI_Finalize");

    public int CommRank() { int r; Check(_commRank(CommWorld, &r), "MPI_Comm_rank"); return r; }

    public int CommSize() { int s; Check(_commSize(CommWorld, &s), "MPI_Comm_size"); return s; }

    public void ReturnErrors() => Check(_setErrhandler(CommWorld, ErrorsReturn), "MPI_Comm_set_errhandler");

    public void Abort(int code) => _abort(CommWorld, code);

    public string LibraryVersion()
    {
        var buffer = new byte[8192];
        int length;
        fixed (byte* b = buffer) Check(_libraryVersion(b, &length), "MPI_Get_library_version");
        string text = Encoding.ASCII.GetString(buffer, 0, Math.Clamp(length, 0, buffer.Length)).TrimEnd('\0');
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "unknown";
    }

    public int Allreduce(nint buffer, int count, int type, int op) => _allreduce(InPlace, buffer, count, type, op, CommWorld);

    public int Bcast(nint buffer, int count, int type, int root) => _bcast(buffer, count, type, root, CommWorld);

    public int Barrier() => _barrier(CommWorld);

    public int Allgather(nint send, int count, int type, nint receive) => _allgather(send, count, type, receive, count, type, CommWorld);

    public string ErrorString(int code)
    {
        var buffer = new byte[512];
        int length;
        fixed (byte* b = buffer)
            if (_errorString(code, b, &length) != 0) return $"MPI error {code}";
        return Encoding.ASCII.GetString(buffer, 0, Math.Clamp(length, 0, buffer.Length)).Trim();
    }

    private void Check(int code, string call)
    {
        if (code != 0) throw new IOException($"{call} failed: {ErrorString(code)}");
    }
}
