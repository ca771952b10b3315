using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Models;

/// <summary>
/// The surface every classification backbone offers to the layers above (Adaptation, Optim, Training):
/// timm's <c>forward_features</c> / <c>forward_head</c> / <c>reset_classifier</c> / <c>no_weight_decay</c> /
/// <c>group_matcher</c>, in .NET style. Parameter names are timm's state-dict keys.
/// </summary>
public interface IVisionModel : IDisposable
{
    /// <summary>The registry name (timm's architecture name, e.g. <c>vit_base_patch16_384</c>).</summary>
    string Name { get; }

    /// <summary>The architecture configuration the model was built from.</summary>
    ModelConfig Config { get; }

    /// <summary>The pretrained/data configuration (input size, mean/std, crop, interpolation, classifier).</summary>
    PretrainedConfig PretrainedConfig { get; }

    /// <summary>Number of classifier outputs (0 when the classifier is removed).</summary>
    int NumClasses { get; }

    /// <summary>Width of the pooled features that feed the classifier.</summary>
    int NumFeatures { get; }

    /// <summary>The model as a TorchSharp module (for <c>parameters()</c>, <c>train()</c>, <c>to()</c>, state dicts).</summary>
    nn.Module<Tensor, Tensor> Module { get; }

    /// <summary>Backbone output before pooling: tokens (B, N, C) or, for Swin, an NHWC map.</summary>
    Tensor ForwardFeatures(Tensor x);

    /// <summary>Pooling, optional norm, dropout and classifier; with <paramref name="preLogits"/> the pooled features (B, NumFeatures).</summary>
    Tensor ForwardHead(Tensor features, bool preLogits = false);

    /// <summary>
    /// Replaces the classifier with a freshly initialised one for <paramref name="numClasses"/> outputs (0 removes it), drawn
    /// from torch's global generator; clears <see cref="ClassNames"/>.
    /// </summary>
    void ResetClassifier(int numClasses);

    /// <summary>
    /// The label of each classifier output (output <c>k</c> is <c>ClassNames[k]</c>), or <see langword="null"/> when unknown.
    /// Saved with the model (<c>model.Save</c>) and restored by <c>VisionModels.Load</c>; the Trainer sets it from the training
    /// dataset when it is null. Setting a list whose count differs from <see cref="NumClasses"/> throws
    /// <see cref="ArgumentException"/>; <see cref="ResetClassifier"/> clears it.
    /// </summary>
    IReadOnlyList<string>? ClassNames { get; set; }

    /// <summary>Names of parameters timm excludes from weight decay (position embeddings, tokens, relative position tables).</summary>
    IReadOnlySet<string> NoWeightDecay { get; }

    /// <summary>Parameter names in depth order: stem/embeddings, each block (or stage block), final norm, head.</summary>
    IReadOnlyList<LayerGroup> LayerGroups { get; }

    /// <summary>
    /// Whether the encoder blocks run with activation checkpointing while gradients are recorded (timm's
    /// <c>set_grad_checkpointing()</c>, the Hugging Face Trainer's <c>gradient_checkpointing</c>): each block keeps only its
    /// input and is run again in the backward, trading one more forward per step for most of the activation memory.
    /// Results are unchanged.
    /// </summary>
    /// <value>Default: false.</value>
    bool GradCheckpointing { get; set; }
}
