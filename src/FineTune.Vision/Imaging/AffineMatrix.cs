namespace FineTune.Vision.Imaging;

/// <summary>
/// An inverse affine map, as Pillow's <c>Image.transform(size, AFFINE, data)</c> takes it: the output pixel whose
/// centre is (x, y) samples the source at (A·x + B·y + C, D·x + E·y + F), coordinates in pixels with (0, 0) at the
/// top-left corner of the top-left pixel.
/// </summary>
/// <param name="A">x coefficient of the source x.</param>
/// <param name="B">y coefficient of the source x.</param>
/// <param name="C">Offset of the source x.</param>
/// <param name="D">x coefficient of the source y.</param>
/// <param name="E">y coefficient of the source y.</param>
/// <param name="F">Offset of the source y.</param>
public readonly record struct AffineMatrix(double A, double B, double C, double D, double E, double F)
{
    /// <summary>The identity map.</summary>
    public static AffineMatrix Identity => new(1, 0, 0, 0, 1, 0);

    /// <summary>The source point that output point (<paramref name="x"/>, <paramref name="y"/>) samples.</summary>
    public (double X, double Y) Map(double x, double y) => (A * x + B * y + C, D * x + E * y + F);

    /// <summary>
    /// Pillow's <c>Image.rotate(degrees, center=..., translate=...)</c> matrix (no expand): counter-clockwise by
    /// <paramref name="degrees"/> about (<paramref name="centerX"/>, <paramref name="centerY"/>), then shifted by the translation.
    /// </summary>
    public static AffineMatrix PillowRotation(double degrees, double centerX, double centerY, double translateX = 0, double translateY = 0)
    {
        double turned = degrees % 360.0;
        if (turned < 0) turned += 360.0;                            // Python's modulo, as Pillow computes it
        double angle = -(turned * Math.PI / 180.0);
        double cos = Math.Round(Math.Cos(angle), 15), sin = Math.Round(Math.Sin(angle), 15);
        double x = -centerX - translateX, y = -centerY - translateY;
        return new AffineMatrix(cos, sin, cos * x + sin * y + centerX, -sin, cos, -sin * x + cos * y + centerY);
    }

    /// <summary>
    /// torchvision's <c>_get_inverse_affine_matrix</c>: the inverse of rotate (degrees, counter-clockwise on screen)
    /// · shear (degrees) · scale about the centre, followed by the translation (pixels). <c>F.affine</c> on PIL images
    /// uses the image centre (W/2, H/2); <c>F.rotate</c> uses Pillow's own matrix (<see cref="PillowRotation"/>).
    /// </summary>
    public static AffineMatrix TorchvisionInverse(double centerX, double centerY, double angle, double translateX,
                                                  double translateY, double scale, double shearX, double shearY)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
        double rot = angle * Math.PI / 180.0, sx = shearX * Math.PI / 180.0, sy = shearY * Math.PI / 180.0;
        double a = Math.Cos(rot - sy) / Math.Cos(sy);
        double b = -Math.Cos(rot - sy) * Math.Tan(sx) / Math.Cos(sy) - Math.Sin(rot);
        double c = Math.Sin(rot - sy) / Math.Cos(sy);
        double d = -Math.Sin(rot - sy) * Math.Tan(sx) / Math.Cos(sy) + Math.Cos(rot);
        double m0 = d / scale, m1 = -b / scale, m3 = -c / scale, m4 = a / scale;
        double m2 = m0 * (-centerX - translateX) + m1 * (-centerY - translateY) + centerX;
        double m5 = m3 * (-centerX - translateX) + m4 * (-centerY - translateY) + centerY;
        return new AffineMatrix(m0, m1, m2, m3, m4, m5);
    }
}
