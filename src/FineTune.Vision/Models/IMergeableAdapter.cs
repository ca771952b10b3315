using static TorchSharp.torch;

namespace FineTune.Vision.Models;

/// <summary>
/// An adapter attached to a module's <c>weight</c> (a LoRA adapter on a Linear) whose effect can be folded into that
/// weight. Lets the Weights layer save merged weights (<c>model.Save</c>) without depending on the Adaptation layer.
/// Find the adapter of a module with <see cref="MergeableAdapters.Of"/>.
/// </summary>
internal interface IMergeableAdapter
{
    /// <summary>Whether the update is already in the base weight.</summary>
    bool IsMerged { get; }

    /// <summary>The update to add to the base weight, shaped like it (a new tensor the caller owns).</summary>
    Tensor DeltaWeight();

    /// <summary>The adapter's kind and settings for a file's metadata, e.g. <c>lora r=8 alpha=16</c>.</summary>
    string Describe();
}
