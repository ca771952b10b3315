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
        // Not CPU-only by assumption: the default device follows what the backend has.
        Assert.Equal(TorchBackend.CudaAvailable ? DeviceType.CUDA : DeviceType.CPU, TorchBackend.DefaultDevice.type);
    }

    [Fact]
    public void Devices_parse_from_their_command_line_names()
    {
        Assert.Equal(DeviceType.CPU, TorchBackend.ParseDevice("cpu").type);
        Assert.Equal(DeviceType.CPU, TorchBackend.ParseDevice(" CPU ").type);
        Assert.Equal(TorchBackend.DefaultDevice.type, TorchBackend.ParseDevice("auto").type);
        foreach (string bad in new[] { "gpu", "cuda:", "cuda:-1", "cuda:x", "" })
            Assert.Contains("is not a device; use cpu, cuda, cuda:N or auto", Assert.Throws<ArgumentException>(() => TorchBackend.ParseDevice(bad)).Message);
        if (TorchBackend.CudaAvailable)
        {
            Assert.Equal((DeviceType.CUDA, 0), (TorchBackend.ParseDevice("cuda").type, TorchBackend.ParseDevice("cuda").index));
            Assert.Throws<InvalidOperationException>(() => TorchBackend.ParseDevice("cuda:999"));
        }
        else
        {
            var e = Assert.Throws<InvalidOperationException>(() => TorchBackend.ParseDevice("cuda:1"));
            Assert.Contains("Device 'cuda:1' was asked for, but the native backend has no CUDA", e.Message);
            Assert.Contains("TorchSharp-cuda-linux", e.Message);
        }
    }

    [Fact]
    public void The_trainer_puts_the_model_on_the_default_device_unless_told()
    {
        using var model = new FineTune.Vision.Models.VisionTransformer(Training.TrainingFixtures.MicroVit);
        using (var trainer = new FineTune.Vision.Training.Trainer(model))
            Assert.Equal(TorchBackend.DefaultDevice.type, model.parameters().First().device.type);
        using (var trainer = new FineTune.Vision.Training.Trainer(model, new FineTune.Vision.Training.TrainerOptions { Device = torch.CPU }))
            Assert.Equal(DeviceType.CPU, model.parameters().First().device.type);
    }
}
