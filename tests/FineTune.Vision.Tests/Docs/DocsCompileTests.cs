using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace FineTune.Vision.Tests.Docs;

/// <summary>
/// Every C# block in README.md and docs/*.md compiles against the library (and FineTune.Vision.Plots), as a top-level program with the SDK's
/// implicit usings: the code users copy is code that builds. A block whose first line names <c>Microsoft.NET.Sdk.Web</c>
/// is an ASP.NET Core program: it also gets the Web SDK's implicit usings and the ASP.NET Core shared framework
/// (<c>Microsoft.AspNetCore.App</c>, installed with every .NET SDK) as references.
/// </summary>
public sealed partial class DocsCompileTests
{
    private const string ImplicitUsings =
        "global using System; global using System.IO; global using System.Linq; global using System.Collections.Generic; " +
        "global using System.Threading; global using System.Threading.Tasks;";

    /// <summary>What Microsoft.NET.Sdk.Web adds to the implicit usings.</summary>
    private const string WebImplicitUsings =
        "global using System.Net.Http.Json; global using Microsoft.AspNetCore.Builder; global using Microsoft.AspNetCore.Hosting; " +
        "global using Microsoft.AspNetCore.Http; global using Microsoft.AspNetCore.Routing; global using Microsoft.Extensions.Configuration; " +
        "global using Microsoft.Extensions.DependencyInjection; global using Microsoft.Extensions.Hosting; global using Microsoft.Extensions.Logging;";

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
        bool web = WebProgram().IsMatch(code);
        List<SyntaxTree> usings = [CSharpSyntaxTree.ParseText(ImplicitUsings), .. web ? [CSharpSyntaxTree.ParseText(WebImplicitUsings)] : Array.Empty<SyntaxTree>()];
        var compilation = CSharpCompilation.Create(
            $"DocBlock{index}",
            [.. usings, tree, .. companions],
            References(web),
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
        yield return Path.Combine(root, "src", "FineTune.Vision", "PACKAGE.md");   // the README packed for nuget.org
        foreach (string file in Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md").Order(StringComparer.Ordinal)) yield return file;
    }

    private static List<string> CodeBlocks(string file) =>
        [.. CSharpBlock().Matches(File.ReadAllText(file)).Select(m => m.Groups[1].Value)];

    private static IEnumerable<MetadataReference> References(bool web = false)
    {
        string platform = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
        var paths = platform.Split(Path.PathSeparator).ToHashSet(StringComparer.Ordinal);
        paths.Add(typeof(FineTune.Vision.Models.VisionModel).Assembly.Location);
        paths.Add(typeof(TorchSharp.torch).Assembly.Location);
        paths.Add(typeof(FineTune.Vision.Metrics.MetricsPlots).Assembly.Location);   // FineTune.Vision.Plots: the PNG helpers
        // ILogger: the package's Microsoft.Extensions.Logging.Abstractions, or the shared framework's copy in an ASP.NET Core block.
        if (web) paths.UnionWith(AspNetCoreAssemblies());
        else paths.Add(typeof(Microsoft.Extensions.Logging.ILogger).Assembly.Location);
        return paths.Where(File.Exists).Select(p => MetadataReference.CreateFromFile(p));
    }

    /// <summary>
    /// The assemblies of the ASP.NET Core shared framework of this runtime's version (beside Microsoft.NETCore.App, e.g.
    /// /usr/share/dotnet/shared/Microsoft.AspNetCore.App/10.0.12), or of the newest one of the same major version.
    /// </summary>
    private static IEnumerable<string> AspNetCoreAssemblies()
    {
        var runtime = new DirectoryInfo(Path.GetDirectoryName(typeof(object).Assembly.Location)!); // shared/Microsoft.NETCore.App/<version>
        string shared = runtime.Parent!.Parent!.FullName, version = runtime.Name;
        string aspNet = Path.Combine(shared, "Microsoft.AspNetCore.App");
        string? folder = Directory.Exists(Path.Combine(aspNet, version)) ? Path.Combine(aspNet, version)
            : Directory.Exists(aspNet) ? Directory.GetDirectories(aspNet, $"{Environment.Version.Major}.*").OrderBy(d => Version.TryParse(Path.GetFileName(d).Split('-')[0], out var v) ? v : null).LastOrDefault()
            : null;
        Assert.True(folder is not null,
            $"The ASP.NET Core blocks of the docs compile against the ASP.NET Core shared framework, which is not installed beside {runtime.FullName} " +
            "(install the .NET SDK, or the aspnetcore-runtime package of this version).");
        return Directory.EnumerateFiles(folder!, "*.dll");
    }

    [GeneratedRegex(@"```csharp\r?\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();

    [GeneratedRegex(@"\A// (samples/[A-Za-z0-9.]+/Program\.cs)")]
    private static partial Regex SampleProgram();

    [GeneratedRegex(@"\A//[^\n]*Microsoft\.NET\.Sdk\.Web")]
    private static partial Regex WebProgram();
}
