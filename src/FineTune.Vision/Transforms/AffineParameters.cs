namespace FineTune.Vision.Transforms;

/// <summary>One draw of <see cref="RandomAffine"/>: torchvision's <c>(angle, translations, scale, shear)</c>.</summary>
/// <param name="Angle">Rotation in degrees.</param>
/// <param name="TranslateX">Horizontal shift in whole pixels.</param>
/// <param name="TranslateY">Vertical shift in whole pixels.</param>
/// <param name="Scale">Scale factor.</param>
/// <param name="ShearX">Shear parallel to x, degrees.</param>
/// <param name="ShearY">Shear parallel to y, degrees.</param>
public readonly record struct AffineParameters(double Angle, int TranslateX, int TranslateY, double Scale, double ShearX, double ShearY);
