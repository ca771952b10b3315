using FineTune.Vision.Imaging;
using FineTune.Vision.Training;

namespace FineTune.Vision.Deployment;

/// <summary>
/// A fine-tuned image classifier ready for inference: the model, its class names and its eval preprocessing in one
/// object. Implementations are safe to call from many threads at once (one instance can be an ASP.NET singleton).
/// </summary>
/// <remarks>
/// <c>ImageClassifier</c> runs the model on libtorch (TorchSharp); <c>OnnxImageClassifier</c> runs an
/// exported <c>.onnx</c> on ONNX Runtime without libtorch. Predictions files (<c>PredictionsFile</c>) take either.
/// </remarks>
public interface IImageClassifier : IDisposable
{
    /// <summary>The class names by index (the model's outputs).</summary>
    IReadOnlyList<string> ClassNames { get; }

    /// <summary>The <paramref name="topK"/> most probable classes of the image file at <paramref name="path"/>, most probable first.</summary>
    IReadOnlyList<ClassScore> Predict(string path, int topK = 5);

    /// <summary>The <paramref name="topK"/> most probable classes of an encoded image (JPEG, PNG, …) read from <paramref name="image"/>.</summary>
    IReadOnlyList<ClassScore> Predict(Stream image, int topK = 5);

    /// <summary>The <paramref name="topK"/> most probable classes of a decoded image (not disposed here).</summary>
    IReadOnlyList<ClassScore> Predict(RgbImage image, int topK = 5);

    /// <summary>
    /// The <paramref name="topK"/> most probable classes of each image file, in the order of <paramref name="paths"/>:
    /// files decoded in parallel, forward passes batched.
    /// </summary>
    IReadOnlyList<IReadOnlyList<ClassScore>> PredictMany(IReadOnlyList<string> paths, int topK = 5);
}
