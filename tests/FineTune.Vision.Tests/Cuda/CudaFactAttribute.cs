using FineTune.Vision.Core;

namespace FineTune.Vision.Tests.Cuda;

/// <summary>
/// A fact that runs only where TorchSharp has a CUDA device (a CUDA backend package on a GPU machine); elsewhere it is
/// reported as skipped with the reason. Tests using it carry <c>[Trait("Category", "Cuda")]</c> so that a GPU run can
/// select them (<c>--filter Category=Cuda</c>).
/// </summary>
public sealed class CudaFactAttribute : FactAttribute
{
    /// <summary>Skips unless CUDA is available.</summary>
    public CudaFactAttribute()
    {
        if (!CudaProbe.Available) Skip = CudaProbe.Reason;
    }
}

/// <summary>The theory form of <see cref="CudaFactAttribute"/>.</summary>
public sealed class CudaTheoryAttribute : TheoryAttribute
{
    /// <summary>Skips unless CUDA is available.</summary>
    public CudaTheoryAttribute()
    {
        if (!CudaProbe.Available) Skip = CudaProbe.Reason;
    }
}

internal static class CudaProbe
{
    private static readonly Lazy<(bool Available, string Reason)> State = new(() =>
    {
        try
        {
            return TorchBackend.CudaAvailable ? (true, "") : (false, "no CUDA device: this backend is CPU-only or no GPU is visible (CUDA tests run on a GPU machine, see tools/gpu)");
        }
        catch (Exception e)
        {
            return (false, $"no CUDA device: the native backend did not load ({e.GetType().Name})");
        }
    });

    public static bool Available => State.Value.Available;

    public static string Reason => State.Value.Reason;
}
