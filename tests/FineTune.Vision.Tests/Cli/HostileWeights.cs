using System.Text.RegularExpressions;
using FineTune.Vision.Tests.Data;
using FineTune.Vision.Tests.Reliability;

namespace FineTune.Vision.Tests.Cli;

/// <summary>
/// Weights files every reader must refuse, written once to a temp folder: the hostile fixtures in Fixtures/Weights
/// (<c>malicious.pth</c>, a pickle calling <c>posix.system</c>; <c>legacy_malicious.pt</c> and <c>namespace_malicious.pth</c>, <c>os.system</c> inside a Namespace, legacy and zip), the first case of
/// each refused category of the fuzz corpora (unsafe globals, bad opcodes, bombs, lying lengths, huge storages,
/// truncated and broken zips; bad length prefixes, JSON, entries, truncations of safetensors), and a missing file.
/// </summary>
public sealed class HostileWeights : IDisposable
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Weights");
    private readonly TempDir _dir = new();

    /// <summary>Writes the files.</summary>
    public HostileWeights()
    {
        var files = new List<string> { Path.Combine(Fixtures, "malicious.pth"), Path.Combine(Fixtures, "legacy_malicious.pt"), Path.Combine(Fixtures, "namespace_malicious.pth"), _dir.File("missing.safetensors") };
        IEnumerable<FuzzCase> corpus = SafeTensorsCorpus.Generate(seed: 1, perCategory: 1)
            .Concat(PickleCorpus.Generate(seed: 1, perCategory: 1, _dir.File("pwned"), maxOps: 4000));
        foreach (FuzzCase c in corpus.Where(c => c.Expect != FuzzExpectation.LoadOrClearError).DistinctBy(c => Category(c.Name)))
        {
            string path = _dir.File(Regex.Replace(c.Name, "[^A-Za-z0-9_.-]", "_") + c.Extension);
            File.WriteAllBytes(path, c.Bytes);
            files.Add(path);
            if (c.Name.StartsWith("pth-bomb", StringComparison.Ordinal)) Bomb = path;
            if (c.Name.StartsWith("st-cut", StringComparison.Ordinal)) Truncated = path;
        }
        Files = files;
        Marker = _dir.File("pwned");
    }

    /// <summary>Every file, each of which must be refused.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>The hostile pickle fixture (<c>posix.system</c>).</summary>
    public static string Malicious => Path.Combine(Fixtures, "malicious.pth");

    /// <summary>A pickle of deeply nested containers (a recursion bomb).</summary>
    public string Bomb { get; } = "";

    /// <summary>A truncated safetensors file.</summary>
    public string Truncated { get; } = "";

    /// <summary>The file a hostile pickle would create if it ran a command.</summary>
    public string Marker { get; }

    /// <summary>Deletes the folder.</summary>
    public void Dispose() => _dir.Dispose();

    /// <summary>A case's category: its name without the trailing index, opcode or global (<c>pth-global-os.system</c> → <c>pth-global</c>).</summary>
    private static string Category(string name) => Regex.Replace(name, @"-([0-9a-f]+|[^-]*\.[^-]*)$", "");
}
