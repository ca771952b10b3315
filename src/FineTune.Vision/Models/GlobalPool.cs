namespace FineTune.Vision.Models;

/// <summary>How token features are pooled before the classifier (timm's <c>global_pool</c>).</summary>
public enum GlobalPool
{
    /// <summary>No pooling (<c>''</c>): the head sees the whole token sequence.</summary>
    None,

    /// <summary>The class token (<c>'token'</c>).</summary>
    Token,

    /// <summary>Mean over the patch tokens, prefix tokens excluded (<c>'avg'</c>).</summary>
    Avg,
}
