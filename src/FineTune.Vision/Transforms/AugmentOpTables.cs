namespace FineTune.Vision.Transforms;

/// <summary>
/// The op tables of the augmentation policies, as data: timm's <c>LEVEL_TO_ARG</c> rules (magnitude 0–10) and
/// torchvision's <c>_AUGMENTATION_SPACE</c> ranges (magnitude bins), name → op, range and sign.
/// </summary>
public static class AugmentOpTables
{
    private static AugmentOpSpec S(string name, AugmentOp op, double low = 0, double high = 0, bool signed = false,
                                   MagnitudeRounding rounding = MagnitudeRounding.None, MagnitudeScale scale = MagnitudeScale.Absolute,
                                   double origin = 0, double multiplier = 1, double min = double.NegativeInfinity,
                                   double max = double.PositiveInfinity) =>
        new(name, op)
        {
            Low = low, High = high, Signed = signed, Rounding = rounding, Scale = scale, Origin = origin, Multiplier = multiplier,
            Min = min, Max = max,
        };

    private const MagnitudeRounding Trunc = MagnitudeRounding.Truncate;

    /// <summary>
    /// timm's ops by name (<c>timm/data/auto_augment.py</c>), for a level = magnitude / 10: enhancements 0.1 + 1.8·level
    /// ("Increasing": 1 ± 0.9·level, at least 0.1), rotate ±30°, shear ±0.3, relative translate ±0.45 of the side (timm's positive
    /// offset moves the content left or up: <c>Image.transform</c> with (1, 0, pixels, 0, 1, 0), so the multiplier is −1),
    /// posterize ⌊4·level⌋ bits (Increasing 4 − ⌊4·level⌋, Original 4 + ⌊4·level⌋), solarize threshold ⌊256·level⌋
    /// (Increasing 256 − ⌊256·level⌋), solarize-add ⌊110·level⌋.
    /// </summary>
    public static IReadOnlyDictionary<string, AugmentOpSpec> Timm { get; } = new[]
    {
        S("AutoContrast", AugmentOp.AutoContrast), S("Equalize", AugmentOp.Equalize), S("Invert", AugmentOp.Invert),
        S("Rotate", AugmentOp.Rotate, high: 30, signed: true),
        S("Posterize", AugmentOp.Posterize, high: 4, rounding: Trunc),
        S("PosterizeIncreasing", AugmentOp.Posterize, high: 4, rounding: Trunc, origin: 4, multiplier: -1),
        S("PosterizeOriginal", AugmentOp.Posterize, high: 4, rounding: Trunc, origin: 4),
        S("Solarize", AugmentOp.Solarize, high: 256, rounding: Trunc, max: 256),
        S("SolarizeIncreasing", AugmentOp.Solarize, high: 256, rounding: Trunc, origin: 256, multiplier: -1, min: 0),
        S("SolarizeAdd", AugmentOp.SolarizeAdd, high: 110, rounding: Trunc, max: 128),
        S("Color", AugmentOp.Color, high: 1.8, origin: 0.1),
        S("ColorIncreasing", AugmentOp.Color, high: 0.9, signed: true, origin: 1, min: 0.1),
        S("Contrast", AugmentOp.Contrast, high: 1.8, origin: 0.1),
        S("ContrastIncreasing", AugmentOp.Contrast, high: 0.9, signed: true, origin: 1, min: 0.1),
        S("Brightness", AugmentOp.Brightness, high: 1.8, origin: 0.1),
        S("BrightnessIncreasing", AugmentOp.Brightness, high: 0.9, signed: true, origin: 1, min: 0.1),
        S("Sharpness", AugmentOp.Sharpness, high: 1.8, origin: 0.1),
        S("SharpnessIncreasing", AugmentOp.Sharpness, high: 0.9, signed: true, origin: 1, min: 0.1),
        S("ShearX", AugmentOp.ShearX, high: 0.3, signed: true),
        S("ShearY", AugmentOp.ShearY, high: 0.3, signed: true),
        S("TranslateXRel", AugmentOp.TranslateX, high: 0.45, signed: true, scale: MagnitudeScale.ImageWidth, multiplier: -1),
        S("TranslateYRel", AugmentOp.TranslateY, high: 0.45, signed: true, scale: MagnitudeScale.ImageHeight, multiplier: -1),
    }.ToDictionary(s => s.Name, StringComparer.Ordinal);

    /// <summary>timm's op <paramref name="name"/> with the relative translations' range set to <paramref name="translatePct"/> (timm hparam <c>translate_pct</c>).</summary>
    internal static AugmentOpSpec TimmOp(string name, double translatePct)
    {
        AugmentOpSpec spec = Timm[name];
        return spec.Scale == MagnitudeScale.Absolute || spec.Op is not (AugmentOp.TranslateX or AugmentOp.TranslateY) ? spec : spec with { High = translatePct };
    }

    /// <summary>timm's <c>_AUGMIX_TRANSFORMS</c>: the AugMix op set (the increasing variants, no invert or solarize-add).</summary>
    public static IReadOnlyList<string> TimmAugMix { get; } =
    [
        "AutoContrast", "ColorIncreasing", "ContrastIncreasing", "BrightnessIncreasing", "SharpnessIncreasing", "Equalize",
        "Rotate", "PosterizeIncreasing", "SolarizeIncreasing", "ShearX", "ShearY", "TranslateXRel", "TranslateYRel",
    ];

    /// <summary>timm's <c>_RAND_TRANSFORMS</c>: the RandAugment op set.</summary>
    public static IReadOnlyList<string> TimmRandAugment { get; } =
    [
        "AutoContrast", "Equalize", "Invert", "Rotate", "Posterize", "Solarize", "SolarizeAdd", "Color", "Contrast",
        "Brightness", "Sharpness", "ShearX", "ShearY", "TranslateXRel", "TranslateYRel",
    ];

    /// <summary>timm's <c>_RAND_INCREASING_TRANSFORMS</c>: the op set of <c>inc1</c>, whose strength grows with magnitude.</summary>
    public static IReadOnlyList<string> TimmRandAugmentIncreasing { get; } =
    [
        "AutoContrast", "Equalize", "Invert", "Rotate", "PosterizeIncreasing", "SolarizeIncreasing", "SolarizeAdd",
        "ColorIncreasing", "ContrastIncreasing", "BrightnessIncreasing", "SharpnessIncreasing", "ShearX", "ShearY",
        "TranslateXRel", "TranslateYRel",
    ];

    /// <summary>timm's <c>_RAND_WEIGHTED_0</c> (<c>tweights</c>): ops and relative choice weights, drawn without replacement.</summary>
    public static IReadOnlyList<(string Name, double Weight)> TimmRandAugmentWeighted { get; } =
    [
        ("Rotate", 3), ("ShearX", 2), ("ShearY", 2), ("TranslateXRel", 1), ("TranslateYRel", 1),
        ("ColorIncreasing", 0.25), ("SharpnessIncreasing", 0.25), ("AutoContrast", 0.25), ("SolarizeIncreasing", 0.05),
        ("SolarizeAdd", 0.05), ("ContrastIncreasing", 0.05), ("BrightnessIncreasing", 0.05), ("Equalize", 0.05),
        ("PosterizeIncreasing", 0.05), ("Invert", 0.05),
    ];

    /// <summary>
    /// torchvision's <c>RandAugment._AUGMENTATION_SPACE</c>, in its order: magnitude bins over shear [0, 0.3],
    /// translate [0, 150/331 of the side] (whole pixels), rotate [0, 30]°, enhancement factors 1 + [0, 0.9] (all signed),
    /// posterize 8 → 4 bits, solarize threshold 255 → 0, and autocontrast/equalize/identity without magnitude.
    /// </summary>
    public static IReadOnlyList<AugmentOpSpec> TorchvisionRandAugment { get; } =
        [S("Identity", AugmentOp.Identity), .. TorchvisionCommon(0.3, 150.0 / 331.0, MagnitudeScale.ImageWidth, 30, 0.9, 4)];

    /// <summary>torchvision's <c>AutoAugment._AUGMENTATION_SPACE</c>: RandAugment's ranges without identity, with invert.</summary>
    public static IReadOnlyList<AugmentOpSpec> TorchvisionAutoAugment { get; } =
        [.. TorchvisionCommon(0.3, 150.0 / 331.0, MagnitudeScale.ImageWidth, 30, 0.9, 4), S("Invert", AugmentOp.Invert)];

    /// <summary>
    /// torchvision's <c>TrivialAugmentWide._AUGMENTATION_SPACE</c>: the wide ranges, shear [0, 0.99], translate
    /// [0, 32] pixels, rotate [0, 135]°, enhancement 1 + [0, 0.99], posterize 8 → 2 bits.
    /// </summary>
    public static IReadOnlyList<AugmentOpSpec> TorchvisionTrivialAugmentWide { get; } =
        [S("Identity", AugmentOp.Identity), .. TorchvisionCommon(0.99, 32, MagnitudeScale.Absolute, 135, 0.99, 6)];

    private static AugmentOpSpec[] TorchvisionCommon(double shear, double translate, MagnitudeScale translateScale,
                                                     double rotate, double enhance, double posterizeDrop)
    {
        MagnitudeScale translateY = translateScale == MagnitudeScale.ImageWidth ? MagnitudeScale.ImageHeight : translateScale;
        return
        [
            S("ShearX", AugmentOp.ShearX, high: shear, signed: true),
            S("ShearY", AugmentOp.ShearY, high: shear, signed: true),
            S("TranslateX", AugmentOp.TranslateX, high: translate, signed: true, rounding: Trunc, scale: translateScale),
            S("TranslateY", AugmentOp.TranslateY, high: translate, signed: true, rounding: Trunc, scale: translateY),
            S("Rotate", AugmentOp.Rotate, high: rotate, signed: true),
            S("Brightness", AugmentOp.Brightness, high: enhance, signed: true, origin: 1),
            S("Color", AugmentOp.Color, high: enhance, signed: true, origin: 1),
            S("Contrast", AugmentOp.Contrast, high: enhance, signed: true, origin: 1),
            S("Sharpness", AugmentOp.Sharpness, high: enhance, signed: true, origin: 1),
            S("Posterize", AugmentOp.Posterize, low: 8, high: 8 - posterizeDrop, rounding: MagnitudeRounding.RoundHalfEven),
            S("Solarize", AugmentOp.Solarize, low: 1, high: 0, multiplier: 255),
            S("AutoContrast", AugmentOp.AutoContrast),
            S("Equalize", AugmentOp.Equalize),
        ];
    }
}
