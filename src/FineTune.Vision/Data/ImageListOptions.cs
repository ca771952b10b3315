namespace FineTune.Vision.Data;

/// <summary>How <see cref="ImageList.Open"/> reads a list file of <c>path,label</c> lines.</summary>
public sealed class ImageListOptions
{
    /// <summary>Separator between path and label; the label is the text after the <em>last</em> one, so paths may contain it.</summary>
    /// <value>Default: ','.</value>
    public char Delimiter { get; init; } = ',';

    /// <summary>
    /// Whether the first non-blank line is a header. <c>null</c> detects it: the first line is a header when its label
    /// field is one of <c>label</c>, <c>class</c>, <c>target</c>, <c>category</c>, <c>class_name</c> (any case).
    /// </summary>
    /// <value>Default: null (detect).</value>
    public bool? HasHeader { get; init; }

    /// <summary>
    /// Class names, indexed by label. When set, each label must be one of these names or an index into them.
    /// When null: if every label is a non-negative integer, labels are those integers and classes are named "0".."max";
    /// otherwise labels are class names and the classes are the distinct names sorted ordinally.
    /// </summary>
    /// <value>Default: null.</value>
    public IReadOnlyList<string>? ClassNames { get; init; }
}
