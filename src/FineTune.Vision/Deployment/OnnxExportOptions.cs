namespace FineTune.Vision.Deployment;

/// <summary>Settings of <see cref="OnnxExport.Export"/>.</summary>
public sealed record OnnxExportOptions
{
    /// <summary>
    /// Extra metadata properties stored in the <c>.onnx</c> (provenance: data, recipe, accuracy), read back with
    /// <see cref="OnnxImageClassifier.Metadata"/> or any ONNX tool. They may not use the keys the export itself writes
    /// (<see cref="OnnxExport.ReservedKeys"/>).
    /// </summary>
    /// <value>Default: none.</value>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}
