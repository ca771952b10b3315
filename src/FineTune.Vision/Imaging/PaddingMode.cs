namespace FineTune.Vision.Imaging;

/// <summary>How padding fills the new border (torchvision's <c>padding_mode</c>, numpy's <c>np.pad</c> modes).</summary>
public enum PaddingMode
{
    /// <summary>A constant fill colour.</summary>
    Constant,

    /// <summary>Repeats the edge pixel.</summary>
    Edge,

    /// <summary>Mirrors without repeating the edge: 2 1 | 0 1 2 3 | 2 1.</summary>
    Reflect,

    /// <summary>Mirrors repeating the edge: 1 0 | 0 1 2 3 | 3 2.</summary>
    Symmetric,
}
