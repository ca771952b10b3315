namespace FineTune.Vision.Tests.Reliability;

/// <summary>What a fuzz case must do: load or fail cleanly, fail cleanly, or be refused as unsafe.</summary>
internal enum FuzzExpectation
{
    /// <summary>Either loads (a harmless mutation) or throws the reader's documented exception.</summary>
    LoadOrClearError,

    /// <summary>Must throw the reader's documented exception.</summary>
    ClearError,

    /// <summary>Must be refused as unsafe, naming <see cref="FuzzCase.Global"/>.</summary>
    Unsafe,
}

/// <summary>One generated file: its name (category and index), bytes, extension and expectation.</summary>
internal sealed record FuzzCase(string Name, byte[] Bytes, string Extension, FuzzExpectation Expect, string? Global = null)
{
    public override string ToString() => $"{Name} ({Bytes.Length} bytes)";
}
