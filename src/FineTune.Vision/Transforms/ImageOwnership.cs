using FineTune.Vision.Imaging;

namespace FineTune.Vision.Transforms;

/// <summary>Ownership helper for transforms that consume their input.</summary>
internal static class ImageOwnership
{
    /// <summary>Returns <paramref name="result"/>, disposing <paramref name="input"/> unless it is the same object.</summary>
    public static RgbImage Replace(RgbImage input, RgbImage result)
    {
        if (!ReferenceEquals(input, result)) input.Dispose();
        return result;
    }
}
