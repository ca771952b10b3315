using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace FineTune.Vision.Tests.Docs;

/// <summary>
/// Every C# block in README.md and docs/*.md compiles against the library, as a top-level program with the SDK's
/// implicit usings: the code users copy is code that builds.
/// </summary>
public sealed partial class DocsCompileTests
{
    private const string ImplicitUsings =
        "global using System; global using System.IO; global using System.Linq; global using System.Collections.Generic; " +
        "global using System.Threading; global using System.Threading.Tasks;";

    public static TheoryData<string, int> Blocks()
    {
        var data = new TheoryData<string, int>();
        foreach (string file in DocumentFiles())
            for (int i = 0; i < CodeBlocks(file).Count; i++) data.Add(Path.GetRelativePath(ArchitectureTests.RepoRoot(), file), i);
        return data;
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public void Code_block_compiles(string document, int index)
    {
        string code = CodeBlocks(Path.Combine(ArchitectureTests.RepoRoot(), document))[index];
        SyntaxTree tree = CSharpSyntaxTree.ParseText(code);
        List<SyntaxTree> companions = SampleCompanions(code, document);
        // A block of statements is a program; a block of type declarations only is a library.
        bool program = tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.GlobalStatementSyntax>().Any();
        var compilation = CSharpCompilation.Create(
            $"DocBlock{index}",
            [CSharpSyntaxTree.ParseText(ImplicitUsings), tree, .. companions],
            References(),
            new CSharpCompilationOptions(program ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, $"{document}, C# block {index + 1}:\n" + string.Join("\n", errors) + "\n---\n" + code);
    }

    /// <summary>
    /// A block whose first line is <c>// samples/X/Program.cs…</c> is that sample's program: it must be the file, and it is
    /// compiled with the sample's other sources (its options class, samples/Shared).
    /// </summary>
    private static List<SyntaxTree> SampleCompanions(string code, string document)
    {
        Match m = SampleProgram().Match(code);
        if (!m.Success) return [];
        string root = ArchitectureTests.RepoRoot(), program = Path.Combine(root, m.Groups[1].Value);
        Assert.True(File.Exists(program), $"{document} quotes {m.Groups[1].Value}, which does not exist.");
        Assert.True(File.ReadAllText(program).ReplaceLineEndings("\n") == code.ReplaceLineEndings("\n"),
            $"{document}: the block quoting {m.Groups[1].Value} differs from the file; copy the file into the block.");
        string folder = Path.GetDirectoryName(program)!;
        var sources = Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(f => f != program && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Append(Path.Combine(root, "samples", "Shared", "EntryPoint.cs"));
        return [.. sources.Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), path: f))];
    }

    [Fact]
    public void The_readme_opens_its_own_images_section_with_the_YourOwnImages_program()
    {
        string readme = File.ReadAllText(Path.Combine(ArchitectureTests.RepoRoot(), "README.md"));
        int section = readme.IndexOf("## Use it on your own images", StringComparison.Ordinal);
        Assert.True(section >= 0, "README.md has no 'Use it on your own images' section");
        Match first = CSharpBlock().Match(readme, section);
        Assert.True(first.Success && first.Groups[1].Value.StartsWith("// samples/YourOwnImages/Program.cs", StringComparison.Ordinal),
            "the section's first C# block must be samples/YourOwnImages/Program.cs");
    }

    [Fact]
    public void The_readme_has_a_compiled_example()
    {
        Assert.Contains(DocumentFiles(), f => Path.GetFileName(f) == "README.md" && CodeBlocks(f).Count > 0);
    }

    private static IEnumerable<string> DocumentFiles()
    {
        string root = ArchitectureTests.RepoRoot();
        yield return Path.Combine(root, "README.md");
        foreach (string file in Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md").Order(StringComparer.Ordinal)) yield return file;
    }

    private static List<string> CodeBlocks(string file) =>
        [.. CSharpBlock().Matches(File.ReadAllText(file)).Select(m => m.Groups[1].Value)];

    private static IEnumerable<MetadataReference> References()
    {
        string platform = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
        var paths = platform.Split(Path.PathSeparator).ToHashSet(StringComparer.Ordinal);
        paths.Add(typeof(FineTune.Vision.Models.VisionModel).Assembly.Location);
        paths.Add(typeof(TorchSharp.torch).Assembly.Location);
        return paths.Where(File.Exists).Select(p => MetadataReference.CreateFromFile(p));
    }

    [GeneratedRegex(@"```csharp\r?\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    [GeneratedRegex(@"\A// (samples/[A-Za-z0-9.]+/Program\.cs)")]
    private static partial Regex SampleProgram();
}
