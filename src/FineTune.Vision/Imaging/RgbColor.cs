namespace FineTune.Vision.Imaging;

/// <summary>An 8-bit RGB colour, used as the fill for padding and for pixels a warp maps outside the source.</summary>
/// <param name="R">Red.</param>
/// <param name="G">Green.</param>
/// <param name="B">Blue.</param>
public readonly record struct RgbColor(byte R, byte G, byte B)
{
    /// <summary>Black (0, 0, 0): torchvision's default fill.</summary>
    public static RgbColor Black => default;

    /// <summary>A grey level repeated on all three channels.</summary>
    public static RgbColor Gray(byte level) => new(level, level, level);
}
