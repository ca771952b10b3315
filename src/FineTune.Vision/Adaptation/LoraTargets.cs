namespace FineTune.Vision.Adaptation;

/// <summary>Common LoRA target sets, valid for every family (ViT/DeiT, BEiT, Swin, Swin V2, CaiT).</summary>
public static class LoraTargets
{
    /// <summary>
    /// Query and value projections: the q and v slices of every fused <c>qkv</c> (ViT, DeiT, BEiT, Swin, CaiT's
    /// talking-heads blocks) and the split <c>attn.q</c> / <c>attn.v</c> Linear modules (CaiT's class attention).
    /// </summary>
    public static IReadOnlyList<LoraTarget> QueryValue { get; } =
        [LoraTarget.FusedQkv("qkv", QkvParts.QV), LoraTarget.Linear("attn.q"), LoraTarget.Linear("attn.v")];

    /// <summary>Every attention projection: whole <c>qkv</c>, split q/k/v and the output <c>attn.proj</c>.</summary>
    public static IReadOnlyList<LoraTarget> Attention { get; } =
        [LoraTarget.Linear("qkv"), LoraTarget.Linear("attn.q"), LoraTarget.Linear("attn.k"), LoraTarget.Linear("attn.v"), LoraTarget.Linear("attn.proj")];

    /// <summary><see cref="Attention"/> plus the MLP's <c>fc1</c> and <c>fc2</c>.</summary>
    public static IReadOnlyList<LoraTarget> AttentionAndMlp { get; } = [.. Attention, LoraTarget.Linear("mlp.fc1"), LoraTarget.Linear("mlp.fc2")];
}
