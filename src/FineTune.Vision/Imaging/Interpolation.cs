namespace FineTune.Vision.Imaging;

/// <summary>Resampling filters, with Pillow's meaning (and torchvision's <c>InterpolationMode</c> names).</summary>
public enum Interpolation
{
    /// <summary>Nearest neighbour: the source pixel whose area holds the output pixel's centre.</summary>
    Nearest,

    /// <summary>Bilinear (triangle filter, support 1), antialiased on downscale as Pillow's <c>BILINEAR</c>.</summary>
    Bilinear,

    /// <summary>Bicubic (Keys kernel with a = -0.5, support 2), antialiased on downscale as Pillow's <c>BICUBIC</c>.</summary>
    Bicubic,
}
