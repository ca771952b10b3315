namespace FineTune.Vision.Transforms;

/// <summary>
/// The image operations the augmentation policies draw from (RandAugment, AutoAugment, TrivialAugment). Each takes
/// one numeric argument, given by an <see cref="AugmentOpSpec"/>; the argument's meaning is listed per member.
/// </summary>
public enum AugmentOp
{
    /// <summary>Leaves the image unchanged.</summary>
    Identity,

    /// <summary>Pillow <c>ImageOps.autocontrast</c>; no argument.</summary>
    AutoContrast,

    /// <summary>Pillow <c>ImageOps.equalize</c>; no argument.</summary>
    Equalize,

    /// <summary>Pillow <c>ImageOps.invert</c>; no argument.</summary>
    Invert,

    /// <summary>Counter-clockwise rotation about the centre; argument in degrees.</summary>
    Rotate,

    /// <summary>Keeps the argument's number of high bits per channel (8 or more: unchanged).</summary>
    Posterize,

    /// <summary>Inverts values at or above the argument (a threshold in [0, 256]).</summary>
    Solarize,

    /// <summary>Adds the argument to values below 128 (timm's solarize-add).</summary>
    SolarizeAdd,

    /// <summary>Pillow <c>ImageEnhance.Color</c> (saturation); argument is the factor (1 = unchanged).</summary>
    Color,

    /// <summary>Pillow <c>ImageEnhance.Contrast</c>; argument is the factor (1 = unchanged).</summary>
    Contrast,

    /// <summary>Pillow <c>ImageEnhance.Brightness</c>; argument is the factor (1 = unchanged).</summary>
    Brightness,

    /// <summary>Pillow <c>ImageEnhance.Sharpness</c>; argument is the factor (1 = unchanged).</summary>
    Sharpness,

    /// <summary>Horizontal shear: the source x of output (x, y) is x + argument·y (Pillow affine (1, m, 0, 0, 1, 0)).</summary>
    ShearX,

    /// <summary>Vertical shear: the source y of output (x, y) is y + argument·x (Pillow affine (1, 0, 0, m, 1, 0)).</summary>
    ShearY,

    /// <summary>Moves the content right by the argument in pixels (left when negative).</summary>
    TranslateX,

    /// <summary>Moves the content down by the argument in pixels (up when negative).</summary>
    TranslateY,
}
