using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Models;

/// <summary>
/// TorchSharp 0.107's <c>Module.to(dtype)</c> leaves non-persistent buffers (Swin's <c>attn_mask</c>, BEiT's
/// <c>k_bias</c>, the relative position indices) as they were, so a bf16 or fp16 model would mix types. Their users
/// align them at the point of use; when nothing differs the buffer itself is returned and nothing is allocated.
/// </summary>
internal static class BufferAlignment
{
    /// <summary><paramref name="buffer"/> in the dtype and on the device of <paramref name="reference"/>.</summary>
    public static Tensor AsTypeOf(this Tensor buffer, Tensor reference) =>
        buffer.dtype == reference.dtype && SameDevice(buffer, reference) ? buffer : buffer.to(reference.dtype, reference.device);

    /// <summary><paramref name="buffer"/> (an index) on the device of <paramref name="reference"/>, its dtype kept.</summary>
    public static Tensor OnDeviceOf(this Tensor buffer, Tensor reference) =>
        SameDevice(buffer, reference) ? buffer : buffer.to(reference.device);

    private static bool SameDevice(Tensor a, Tensor b) => a.device_type == b.device_type && a.device_index == b.device_index;
}
