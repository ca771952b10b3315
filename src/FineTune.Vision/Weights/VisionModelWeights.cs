using FineTune.Vision.Models;

namespace FineTune.Vision.Weights;

/// <summary>Fluent loading of pretrained weights into the library's models (<see cref="VisionModel"/>).</summary>
public static class VisionModelWeights
{
    /// <summary>
    /// Loads a timm, torchvision or Hugging Face checkpoint (safetensors or torch.save zip) into
    /// <paramref name="model"/> and returns the model, for chaining after <see cref="ModelRegistry.Create(string, IReadOnlyDictionary{string, string}?, TorchSharp.torch.Device?)"/>.
    /// A classifier of another class count is dropped (the model's fresh head is kept) and position embeddings are
    /// resampled to the model's image size, as timm does.
    /// </summary>
    /// <param name="model">The model to fill.</param>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="options">Strictness, classifier handling and container choice; null for defaults.</param>
    /// <param name="onReport">Receives the <see cref="LoadReport"/> (e.g. <c>r =&gt; Console.WriteLine(r)</c>); may be null.</param>
    /// <returns><paramref name="model"/> itself.</returns>
    public static TModel LoadPretrained<TModel>(this TModel model, string path, WeightLoadOptions? options = null, Action<LoadReport>? onReport = null)
        where TModel : VisionModel
    {
        ArgumentNullException.ThrowIfNull(model);
        var report = model.LoadWeights(path, options);
        onReport?.Invoke(report);
        return model;
    }
}
