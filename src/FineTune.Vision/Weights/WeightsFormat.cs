namespace FineTune.Vision.Weights;

/// <summary>The container format of a weights file, detected from its content (never from its extension).</summary>
public enum WeightsFormat
{
    /// <summary>Hugging Face safetensors: a length-prefixed JSON header and raw little-endian tensor bytes.</summary>
    SafeTensors,

    /// <summary>The zip format of <c>torch.save</c> (PyTorch 1.6 and later): <c>.pth</c>, <c>.pt</c>, <c>.bin</c>.</summary>
    PyTorchZip,

    /// <summary>
    /// The legacy (pre-1.6, non-zip) <c>torch.save</c> format (<c>_use_new_zipfile_serialization=False</c>), read through
    /// the same restricted unpickler.
    /// </summary>
    PyTorchLegacy,
}
