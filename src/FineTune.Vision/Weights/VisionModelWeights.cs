using FineTune.Vision.Models;

namespace FineTune.Vision.Weights;

/// <summary>Fluent loading of pretrained weights into the library's models (<see cref="VisionModel"/>).</summary>
public static class VisionModelWeights
{
    /// <summary>
    /// Loads a timm, torchvision or Hugging Face checkpoint (safetensors or torch.save zip) into
    /// <paramref name="model"/> as pretrained weights and returns the model. By default timm's pretrained rule
    /// (<see cref="WeightLoadOptions.Pretrained"/>): the tensors of <see cref="PretrainedConfig.Classifier"/> are dropped when
    /// the class count differs (the model's fresh head is kept), position embeddings and relative-position tables are
    /// resampled to the model's sizes, and everything else must match (missing or unexpected keys throw).
    /// </summary>
    /// <param name="model">The model to fill.</param>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="options">Loading rules; null for the pretrained rule with the model's classifier names.</param>
    /// <param name="onReport">Receives the <see cref="LoadReport"/> (e.g. <c>r =&gt; Console.WriteLine(r)</c>); may be null.</param>
    /// <returns><paramref name="model"/> itself.</returns>
    /// <exception cref="CheckpointMismatchException">The checkpoint does not fit beyond what the rule allows.</exception>
    public static TModel LoadPretrained<TModel>(this TModel model, string path, WeightLoadOptions? options = null, Action<LoadReport>? onReport = null)
        where TModel : VisionModel
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= PretrainedOptions(model);
        var report = model.LoadWeights(path, options);
        onReport?.Invoke(report);
        return model;
    }

    /// <summary><see cref="WeightLoadOptions.Pretrained"/> with the classifier names of <paramref name="model"/>'s pretrained configuration.</summary>
    public static WeightLoadOptions PretrainedOptions(IVisionModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new WeightLoadOptions
        {
            DropClassifierOnMismatch = true, ResamplePositionEmbedding = true, ResizeRelativePositionBias = true,
            ClassifierNames = model.PretrainedConfig.Classifier, FirstConv = model.PretrainedConfig.FirstConv,
        };
    }
}
