using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Data;

/// <summary>
/// Turns uint8 batches [B, 3, H, W] (from a <see cref="DatasetExtensions.WithUInt8"/> source) into normalised float32
/// on the device: <c>(x / 255 - mean) / std</c> per channel. The byte batch crosses to the device at a quarter of the
/// float size, and the arithmetic runs there (as timm's prefetch loader does).
/// </summary>
internal sealed class UInt8BatchNormalizer : IDisposable
{
    private readonly Tensor _scale;
    private readonly Tensor _shift;

    /// <summary>Creates a normaliser for per-channel <paramref name="mean"/> and <paramref name="std"/> (on the 0..1 scale, e.g. ImageNet's).</summary>
    /// <param name="mean">Channel means, 3 values.</param>
    /// <param name="std">Channel standard deviations, 3 positive values.</param>
    /// <param name="device">Where batches are normalised; default CPU.</param>
    public UInt8BatchNormalizer(IReadOnlyList<float> mean, IReadOnlyList<float> std, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Count != 3 || std.Count != 3 || std.Any(s => !(s > 0)))
            throw new ArgumentException($"Give 3 means and 3 positive standard deviations (got {mean.Count} and {std.Count}: [{string.Join(", ", std)}]).");
        Device = device ?? CPU;
        float[] scale = [.. std.Select(s => 1f / (255f * s))];
        float[] shift = [.. mean.Zip(std, (m, s) => -m / s)];
        using (NewDisposeScope())
        {
            _scale = tensor(scale).view(1, 3, 1, 1).to(Device).MoveToOuterDisposeScope().DetachFromDisposeScope();
            _shift = tensor(shift).view(1, 3, 1, 1).to(Device).MoveToOuterDisposeScope().DetachFromDisposeScope();
        }
    }

    /// <summary>The device batches are normalised on.</summary>
    public Device Device { get; }

    /// <summary>A new float32 tensor on <see cref="Device"/>: the normalised <paramref name="batch"/>; the caller owns it.</summary>
    /// <exception cref="ArgumentException"><paramref name="batch"/> is not uint8 [B, 3, H, W].</exception>
    public Tensor Normalize(Tensor batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.dtype != ScalarType.Byte || batch.dim() != 4 || batch.shape[1] != 3)
            throw new ArgumentException($"Expected a uint8 batch [B, 3, H, W], got {batch.dtype} [{string.Join(", ", batch.shape)}].", nameof(batch));
        using var scope = NewDisposeScope();
        Tensor x = batch.to(Device).to_type(ScalarType.Float32);
        return x.mul_(_scale).add_(_shift).MoveToOuterDisposeScope();
    }

    /// <summary>Releases the constants. Idempotent.</summary>
    public void Dispose()
    {
        _scale.Dispose();
        _shift.Dispose();
    }
}
