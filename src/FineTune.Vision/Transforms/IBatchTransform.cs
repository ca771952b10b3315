using TorchSharp;

namespace FineTune.Vision.Transforms;

/// <summary>
/// A transform on a whole batch and its labels, such as Mixup and CutMix: it runs on the batch tensor after the data
/// loader has assembled it and turns hard labels into soft targets.
/// </summary>
public interface IBatchTransform
{
    /// <summary>
    /// Transforms <paramref name="images"/> (B, C, H, W) <b>in place</b> and returns the soft targets (B, num_classes),
    /// a new tensor the caller owns, on the images' device. All randomness comes from <paramref name="rng"/>.
    /// </summary>
    /// <param name="images">The batch, edited in place.</param>
    /// <param name="labels">Hard class indices, shape (B), integer type.</param>
    /// <param name="rng">The generator all random draws come from.</param>
    torch.Tensor Apply(torch.Tensor images, torch.Tensor labels, Random rng);
}
