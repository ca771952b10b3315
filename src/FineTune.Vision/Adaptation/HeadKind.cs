namespace FineTune.Vision.Adaptation;

/// <summary>The heads that <see cref="Heads.Create"/> builds.</summary>
public enum HeadKind
{
    /// <summary>Dropout and one Linear over the pooled features (timm's classifier).</summary>
    Linear,

    /// <summary>Linear, GELU, Dropout, Linear over the pooled features.</summary>
    Mlp,

    /// <summary>fastai's <c>create_head</c>: max+avg concat pooling over the tokens, BatchNorm, Dropout, Linear, ReLU, BatchNorm, Dropout, Linear.</summary>
    ConcatPool,
}
