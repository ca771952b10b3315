using TorchSharp;

namespace FineTune.Vision.Core;

/// <summary>
/// Facts about the libtorch backend that the application chose (CPU or CUDA), for logs and error messages.
/// </summary>
public static class TorchBackend
{
    /// <summary>The TorchSharp assembly version the library was built against.</summary>
    public static string TorchSharpVersion => typeof(torch).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>Whether a CUDA device is usable (loads the native backend on first use).</summary>
    public static bool CudaAvailable => torch.cuda.is_available();

    /// <summary>The best device available: CUDA when present, else CPU.</summary>
    public static torch.Device DefaultDevice => CudaAvailable ? torch.CUDA : torch.CPU;

    /// <summary>A one-line description: TorchSharp version, device, and CPU thread count.</summary>
    public static string Describe() =>
        $"TorchSharp {TorchSharpVersion}, device {DefaultDevice.type}, {torch.get_num_threads()} CPU threads";
}
