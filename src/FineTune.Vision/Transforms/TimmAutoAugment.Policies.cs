namespace FineTune.Vision.Transforms;

public sealed partial class TimmAutoAugment
{
    private static Step[][] Policies(TimmAutoAugmentPolicy policy) => policy switch
    {
        TimmAutoAugmentPolicy.Original => Original,
        TimmAutoAugmentPolicy.OriginalR => OriginalR,
        TimmAutoAugmentPolicy.V0 => V0,
        _ => V0R,
    };

    private static Step[] P(string a, double pa, int ma, string b, double pb, int mb) => [new(a, pa, ma), new(b, pb, mb)];

    // timm/data/auto_augment.py, auto_augment_policy_original.
    private static readonly Step[][] Original =
    [
        P("PosterizeOriginal", 0.4, 8, "Rotate", 0.6, 9), P("Solarize", 0.6, 5, "AutoContrast", 0.6, 5),
        P("Equalize", 0.8, 8, "Equalize", 0.6, 3), P("PosterizeOriginal", 0.6, 7, "PosterizeOriginal", 0.6, 6),
        P("Equalize", 0.4, 7, "Solarize", 0.2, 4), P("Equalize", 0.4, 4, "Rotate", 0.8, 8),
        P("Solarize", 0.6, 3, "Equalize", 0.6, 7), P("PosterizeOriginal", 0.8, 5, "Equalize", 1.0, 2),
        P("Rotate", 0.2, 3, "Solarize", 0.6, 8), P("Equalize", 0.6, 8, "PosterizeOriginal", 0.4, 6),
        P("Rotate", 0.8, 8, "Color", 0.4, 0), P("Rotate", 0.4, 9, "Equalize", 0.6, 2),
        P("Equalize", 0.0, 7, "Equalize", 0.8, 8), P("Invert", 0.6, 4, "Equalize", 1.0, 8),
        P("Color", 0.6, 4, "Contrast", 1.0, 8), P("Rotate", 0.8, 8, "Color", 1.0, 2),
        P("Color", 0.8, 8, "Solarize", 0.8, 7), P("Sharpness", 0.4, 7, "Invert", 0.6, 8),
        P("ShearX", 0.6, 5, "Equalize", 1.0, 9), P("Color", 0.4, 0, "Equalize", 0.6, 3),
        P("Equalize", 0.4, 7, "Solarize", 0.2, 4), P("Solarize", 0.6, 5, "AutoContrast", 0.6, 5),
        P("Invert", 0.6, 4, "Equalize", 1.0, 8), P("Color", 0.6, 4, "Contrast", 1.0, 8),
        P("Equalize", 0.8, 8, "Equalize", 0.6, 3),
    ];

    // timm/data/auto_augment.py, auto_augment_policy_originalr.
    private static readonly Step[][] OriginalR =
    [
        P("PosterizeIncreasing", 0.4, 8, "Rotate", 0.6, 9), P("Solarize", 0.6, 5, "AutoContrast", 0.6, 5),
        P("Equalize", 0.8, 8, "Equalize", 0.6, 3), P("PosterizeIncreasing", 0.6, 7, "PosterizeIncreasing", 0.6, 6),
        P("Equalize", 0.4, 7, "Solarize", 0.2, 4), P("Equalize", 0.4, 4, "Rotate", 0.8, 8),
        P("Solarize", 0.6, 3, "Equalize", 0.6, 7), P("PosterizeIncreasing", 0.8, 5, "Equalize", 1.0, 2),
        P("Rotate", 0.2, 3, "Solarize", 0.6, 8), P("Equalize", 0.6, 8, "PosterizeIncreasing", 0.4, 6),
        P("Rotate", 0.8, 8, "Color", 0.4, 0), P("Rotate", 0.4, 9, "Equalize", 0.6, 2),
        P("Equalize", 0.0, 7, "Equalize", 0.8, 8), P("Invert", 0.6, 4, "Equalize", 1.0, 8),
        P("Color", 0.6, 4, "Contrast", 1.0, 8), P("Rotate", 0.8, 8, "Color", 1.0, 2),
        P("Color", 0.8, 8, "Solarize", 0.8, 7), P("Sharpness", 0.4, 7, "Invert", 0.6, 8),
        P("ShearX", 0.6, 5, "Equalize", 1.0, 9), P("Color", 0.4, 0, "Equalize", 0.6, 3),
        P("Equalize", 0.4, 7, "Solarize", 0.2, 4), P("Solarize", 0.6, 5, "AutoContrast", 0.6, 5),
        P("Invert", 0.6, 4, "Equalize", 1.0, 8), P("Color", 0.6, 4, "Contrast", 1.0, 8),
        P("Equalize", 0.8, 8, "Equalize", 0.6, 3),
    ];

    // timm/data/auto_augment.py, auto_augment_policy_v0.
    private static readonly Step[][] V0 =
    [
        P("Equalize", 0.8, 1, "ShearY", 0.8, 4), P("Color", 0.4, 9, "Equalize", 0.6, 3),
        P("Color", 0.4, 1, "Rotate", 0.6, 8), P("Solarize", 0.8, 3, "Equalize", 0.4, 7),
        P("Solarize", 0.4, 2, "Solarize", 0.6, 2), P("Color", 0.2, 0, "Equalize", 0.8, 8),
        P("Equalize", 0.4, 8, "SolarizeAdd", 0.8, 3), P("ShearX", 0.2, 9, "Rotate", 0.6, 8),
        P("Color", 0.6, 1, "Equalize", 1.0, 2), P("Invert", 0.4, 9, "Rotate", 0.6, 0),
        P("Equalize", 1.0, 9, "ShearY", 0.6, 3), P("Color", 0.4, 7, "Equalize", 0.6, 0),
        P("Posterize", 0.4, 6, "AutoContrast", 0.4, 7), P("Solarize", 0.6, 8, "Color", 0.6, 9),
        P("Solarize", 0.2, 4, "Rotate", 0.8, 9), P("Rotate", 1.0, 7, "TranslateYRel", 0.8, 9),
        P("ShearX", 0.0, 0, "Solarize", 0.8, 4), P("ShearY", 0.8, 0, "Color", 0.6, 4),
        P("Color", 1.0, 0, "Rotate", 0.6, 2), P("Equalize", 0.8, 4, "Equalize", 0.0, 8),
        P("Equalize", 1.0, 4, "AutoContrast", 0.6, 2), P("ShearY", 0.4, 7, "SolarizeAdd", 0.6, 7),
        P("Posterize", 0.8, 2, "Solarize", 0.6, 10), P("Solarize", 0.6, 8, "Equalize", 0.6, 1),
        P("Color", 0.8, 6, "Rotate", 0.4, 5),
    ];

    // timm/data/auto_augment.py, auto_augment_policy_v0r.
    private static readonly Step[][] V0R =
    [
        P("Equalize", 0.8, 1, "ShearY", 0.8, 4), P("Color", 0.4, 9, "Equalize", 0.6, 3),
        P("Color", 0.4, 1, "Rotate", 0.6, 8), P("Solarize", 0.8, 3, "Equalize", 0.4, 7),
        P("Solarize", 0.4, 2, "Solarize", 0.6, 2), P("Color", 0.2, 0, "Equalize", 0.8, 8),
        P("Equalize", 0.4, 8, "SolarizeAdd", 0.8, 3), P("ShearX", 0.2, 9, "Rotate", 0.6, 8),
        P("Color", 0.6, 1, "Equalize", 1.0, 2), P("Invert", 0.4, 9, "Rotate", 0.6, 0),
        P("Equalize", 1.0, 9, "ShearY", 0.6, 3), P("Color", 0.4, 7, "Equalize", 0.6, 0),
        P("PosterizeIncreasing", 0.4, 6, "AutoContrast", 0.4, 7), P("Solarize", 0.6, 8, "Color", 0.6, 9),
        P("Solarize", 0.2, 4, "Rotate", 0.8, 9), P("Rotate", 1.0, 7, "TranslateYRel", 0.8, 9),
        P("ShearX", 0.0, 0, "Solarize", 0.8, 4), P("ShearY", 0.8, 0, "Color", 0.6, 4),
        P("Color", 1.0, 0, "Rotate", 0.6, 2), P("Equalize", 0.8, 4, "Equalize", 0.0, 8),
        P("Equalize", 1.0, 4, "AutoContrast", 0.6, 2), P("ShearY", 0.4, 7, "SolarizeAdd", 0.6, 7),
        P("PosterizeIncreasing", 0.8, 2, "Solarize", 0.6, 10), P("Solarize", 0.6, 8, "Equalize", 0.6, 1),
        P("Color", 0.8, 6, "Rotate", 0.4, 5),
    ];
}
