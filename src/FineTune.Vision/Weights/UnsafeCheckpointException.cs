namespace FineTune.Vision.Weights;

/// <summary>
/// A PyTorch checkpoint's pickle refers to a Python global that the restricted unpickler does not allow
/// (anything beyond tensors, storages and plain containers). Nothing in it was executed.
/// </summary>
public sealed class UnsafeCheckpointException : WeightsFormatException
{
    /// <summary>Creates the exception for the refused global <paramref name="globalName"/> in <paramref name="filePath"/>.</summary>
    /// <param name="filePath">The checkpoint file.</param>
    /// <param name="globalName">The refused global, as <c>module.name</c>.</param>
    public UnsafeCheckpointException(string filePath, string globalName)
        : base(filePath, null,
            $"the pickle refers to the global '{globalName}', which is not a tensor, storage or plain container; " +
            "it was refused and nothing was executed. Only state dicts can be read: in Python, load the file you " +
            "trust and save just its tensors, e.g. torch.save(model.state_dict(), path) or safetensors.torch.save_file.")
    {
        GlobalName = globalName;
    }

    /// <summary>The refused global, as <c>module.name</c> (for example <c>posix.system</c>).</summary>
    public string GlobalName { get; }
}
