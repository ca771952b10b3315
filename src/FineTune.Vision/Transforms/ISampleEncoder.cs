using FineTune.Vision.Imaging;

namespace FineTune.Vision.Transforms;

/// <summary>
/// The whole per-sample stage of an input pipeline: turns a decoded image into one CHW float sample, written
/// straight into its slot of a batch buffer (image transforms, then to-tensor and normalisation, then tensor-level
/// transforms such as random erasing).
/// </summary>
public interface ISampleEncoder
{
    /// <summary>Channels, height and width of every sample this encoder writes.</summary>
    (int Channels, int Height, int Width) SampleShape { get; }

    /// <summary>
    /// Consumes <paramref name="image"/> and writes C·H·W floats into <paramref name="destination"/>, drawing all
    /// randomness from <paramref name="rng"/>.
    /// </summary>
    void Encode(RgbImage image, Span<float> destination, Random rng);
}
