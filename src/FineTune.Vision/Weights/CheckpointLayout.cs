namespace FineTune.Vision.Weights;

/// <summary>The parameter-naming convention of a state dict.</summary>
public enum CheckpointLayout
{
    /// <summary>timm's names (<c>patch_embed.proj</c>, <c>blocks.0.attn.qkv</c>, <c>head</c>): the library's own.</summary>
    Timm,

    /// <summary>Hugging Face transformers (<c>vit.embeddings.patch_embeddings.projection</c>, split query/key/value).</summary>
    HuggingFace,

    /// <summary>torchvision (<c>conv_proj</c>, <c>encoder.layers.encoder_layer_0</c>, Swin <c>features.*</c>).</summary>
    TorchVision,
}
