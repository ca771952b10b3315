using FineTune.Vision.Core;
using TorchSharp;

namespace FineTune.Vision.Tests.Core;

/// <summary>TorchSharp's native backend loads in the test output (the build patched it where needed).</summary>
public sealed class TorchBackendTests
{
    [Fact]
    public void Native_backend_loads_and_computes()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.arange(6, dtype: torch.float32).reshape(2, 3);
        var b = torch.ones(3, 2);
        Assert.Equal(new float[] { 3, 3, 12, 12 }, a.matmul(b).data<float>().ToArray());
        Assert.Contains("TorchSharp", TorchBackend.Describe());
        Assert.False(TorchBackend.CudaAvailable);
    }
}
