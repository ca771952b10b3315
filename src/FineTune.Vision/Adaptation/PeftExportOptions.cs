namespace FineTune.Vision.Adaptation;

/// <summary>Settings of <see cref="LoraAdapters.SavePeft"/> that the model cannot tell: what PEFT records about the base model.</summary>
public sealed class PeftExportOptions
{
    /// <summary>
    /// <c>base_model_name_or_path</c> of <c>adapter_config.json</c>: the Hugging Face model the adapter applies to (e.g.
    /// <c>google/vit-base-patch16-224-in21k</c>), which <c>AutoPeftModelForImageClassification</c> loads.
    /// </summary>
    /// <value>Default: null (PEFT then needs the base model passed to <c>PeftModel.from_pretrained</c>).</value>
    public string? BaseModelNameOrPath { get; init; }

    /// <summary><c>revision</c> of the base model on the Hugging Face Hub.</summary>
    /// <value>Default: null.</value>
    public string? Revision { get; init; }

    /// <summary>
    /// The attribute under which the Hugging Face <c>*ForImageClassification</c> class holds the backbone, which starts every
    /// adapter key (<c>base_model.model.vit.encoder.layer.0…</c>): <c>vit</c>, <c>deit</c>, <c>beit</c> or <c>swin</c>; empty for a
    /// bare <c>ViTModel</c>-style backbone.
    /// </summary>
    /// <value>Default: null, chosen from the model (<c>deit</c> for DeiT names and distilled DeiT, else the family).</value>
    public string? BaseModelPrefix { get; init; }
}
