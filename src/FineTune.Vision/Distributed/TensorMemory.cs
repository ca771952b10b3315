using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Distributed;

/// <summary>
/// The address of a tensor's first element, on any device (what MPI and NCCL read and write in place): TorchSharp's
/// native <c>THSTensor_data</c> (libtorch's <c>data_ptr()</c>) from the LibTorchSharp library TorchSharp has loaded.
/// </summary>
internal static unsafe class TensorMemory
{
    private static readonly delegate* unmanaged<nint, nint> Data = (delegate* unmanaged<nint, nint>)Resolve();

    /// <summary>The address of <paramref name="tensor"/>'s first element (0 for an empty tensor).</summary>
    public static nint Address(Tensor tensor) => tensor.NumberOfElements == 0 ? 0 : Data(tensor.Handle);

    private static nint Resolve()
    {
        Core.TorchBackend.EnsureAvailable();
        foreach (string name in (string[])["LibTorchSharp", "libLibTorchSharp.so", "libLibTorchSharp.dylib"])
            if (NativeLibrary.TryLoad(name, typeof(torch).Assembly, null, out nint handle) && NativeLibrary.TryGetExport(handle, "THSTensor_data", out nint address))
                return address;
        throw new DllNotFoundException("TorchSharp's native LibTorchSharp library (THSTensor_data) could not be found for the distributed collectives.");
    }
}
