namespace FineTune.Vision.Adaptation;

/// <summary>Slices of a fused <c>qkv</c> projection (output rows [q; k; v], each a third) that a LoRA adapter updates.</summary>
[Flags]
public enum QkvParts
{
    /// <summary>The query slice.</summary>
    Q = 1,

    /// <summary>The key slice.</summary>
    K = 2,

    /// <summary>The value slice.</summary>
    V = 4,

    /// <summary>Query and value: the LoRA paper's choice.</summary>
    QV = Q | V,

    /// <summary>All three slices (same as adapting the whole projection, but with one low-rank pair per slice).</summary>
    All = Q | K | V,
}
