using FineTune.Vision.Imaging;

namespace FineTune.Vision.Tests.Imaging;

/// <summary>The library's decoders by name, for theories that run the same checks over each.</summary>
internal static class Decoders
{
    public const string Skia = nameof(Skia);
    public const string ImageSharp = nameof(ImageSharp);

    public static TheoryData<string> All => [Skia, ImageSharp];

    public static IImageDecoder Get(string name) => name switch
    {
        Skia => SkiaImageDecoder.Instance,
        ImageSharp => ImageSharpImageDecoder.Instance,
        _ => throw new ArgumentException($"Unknown decoder '{name}'.", nameof(name)),
    };

    /// <summary>Every combination of <paramref name="rows"/> with each decoder name appended as the last argument.</summary>
    public static TheoryData<T1, string> Cross<T1>(params T1[] rows)
    {
        var data = new TheoryData<T1, string>();
        foreach (T1 row in rows) foreach (string d in All) data.Add(row, d);
        return data;
    }

    /// <summary>Every combination of <paramref name="rows"/> with each decoder name appended as the last argument.</summary>
    public static TheoryData<T1, T2, string> Cross<T1, T2>(params (T1, T2)[] rows)
    {
        var data = new TheoryData<T1, T2, string>();
        foreach (var (a, b) in rows) foreach (string d in All) data.Add(a, b, d);
        return data;
    }

    /// <summary>Every combination of <paramref name="rows"/> with each decoder name appended as the last argument.</summary>
    public static TheoryData<T1, T2, T3, T4, string> Cross<T1, T2, T3, T4>(params (T1, T2, T3, T4)[] rows)
    {
        var data = new TheoryData<T1, T2, T3, T4, string>();
        foreach (var (a, b, c, e) in rows) foreach (string d in All) data.Add(a, b, c, e, d);
        return data;
    }
}
