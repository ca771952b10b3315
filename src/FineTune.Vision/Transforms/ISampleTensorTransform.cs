namespace FineTune.Vision.Transforms;

/// <summary>
/// A per-sample transform on the normalised tensor form of a sample (CHW floats, after ToTensor and Normalize),
/// such as random erasing. It edits <c>chw</c> in place; the sample encoder runs it after normalisation.
/// </summary>
/// <remarks>All randomness comes from <c>rng</c>, the same per-sample generator the image transforms used.</remarks>
public interface ISampleTensorTransform
{
    /// <summary>
    /// Edits one sample in place: <paramref name="chw"/> holds <paramref name="channels"/>·<paramref name="height"/>·<paramref name="width"/>
    /// floats, channel-major then row-major.
    /// </summary>
    void Apply(Span<float> chw, int channels, int height, int width, Random rng);
}
