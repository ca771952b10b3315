using System.Text;

namespace FineTune.Vision.Weights;

/// <summary>
/// What loading a checkpoint into a model did: which keys were loaded, missing, unexpected, ignored or adapted,
/// and which naming and container were detected. <see cref="ToString"/> prints it for logs and samples.
/// </summary>
public sealed class LoadReport
{
    internal List<string> LoadedList { get; } = [];
    internal List<string> MissingList { get; } = [];
    internal List<string> UnexpectedList { get; } = [];
    internal List<string> IgnoredList { get; } = [];
    internal List<string> ClassifierDroppedList { get; } = [];
    internal List<TensorResize> ResampledList { get; } = [];
    internal List<string> NotesList { get; } = [];

    /// <summary>The checkpoint file, or <see langword="null"/> when loaded from memory.</summary>
    public string? SourcePath { get; internal init; }

    /// <summary>The file's container format, or <see langword="null"/> when loaded from memory.</summary>
    public WeightsFormat? Format { get; internal init; }

    /// <summary>The naming convention detected (and converted from).</summary>
    public CheckpointLayout Layout { get; internal set; }

    /// <summary>Where in a nested checkpoint the weights were taken from (e.g. <c>model</c>), or <see langword="null"/>.</summary>
    public string? ContainerPath { get; internal init; }

    /// <summary>Model keys that received checkpoint values.</summary>
    public IReadOnlyList<string> Loaded => LoadedList;

    /// <summary>Model keys the checkpoint had no value for (they keep their initial values).</summary>
    public IReadOnlyList<string> Missing => MissingList;

    /// <summary>Checkpoint keys (after renaming) that the model has no place for.</summary>
    public IReadOnlyList<string> Unexpected => UnexpectedList;

    /// <summary>Checkpoint buffers the model recomputes itself (e.g. <c>relative_position_index</c>), skipped on purpose.</summary>
    public IReadOnlyList<string> Ignored => IgnoredList;

    /// <summary>Classifier keys not loaded because the class count differs; the model's new head keeps its fresh initialisation.</summary>
    public IReadOnlyList<string> ClassifierDropped => ClassifierDroppedList;

    /// <summary>Tensors resampled or reshaped to fit (position embeddings, relative-position-bias tables).</summary>
    public IReadOnlyList<TensorResize> Resampled => ResampledList;

    /// <summary>Other remarks: container choice, prefix stripping, dtype conversion.</summary>
    public IReadOnlyList<string> Notes => NotesList;

    /// <summary>Whether every model key was loaded and nothing was unexpected (classifier drops aside).</summary>
    public bool IsComplete => MissingList.Count == 0 && UnexpectedList.Count == 0;

    /// <summary>A multi-line summary listing every key that was not simply loaded.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append("Loaded ").Append(LoadedList.Count).Append(" tensors");
        if (SourcePath is not null)
        {
            sb.Append(" from '").Append(SourcePath).Append('\'');
        }
        sb.Append(" (").Append(Format?.ToString() ?? "in memory").Append(", ").Append(Layout).Append(" naming");
        if (ContainerPath is not null)
        {
            sb.Append(", container '").Append(ContainerPath).Append('\'');
        }
        sb.AppendLine(")");
        AppendList(sb, "missing", MissingList);
        AppendList(sb, "unexpected", UnexpectedList);
        AppendList(sb, "classifier dropped (class count differs, head freshly initialised)", ClassifierDroppedList);
        AppendList(sb, "ignored (recomputed by the model)", IgnoredList);
        AppendList(sb, "resampled", ResampledList.Select(r => r.ToString()).ToList());
        AppendList(sb, "notes", NotesList);
        return sb.ToString().TrimEnd();
    }

    private static void AppendList(StringBuilder sb, string title, IReadOnlyList<string> items)
    {
        if (items.Count == 0)
        {
            return;
        }
        sb.Append("  ").Append(title).Append(" (").Append(items.Count).AppendLine("):");
        foreach (var item in items)
        {
            sb.Append("    ").AppendLine(item);
        }
    }
}
