using System.Reflection;
using System.Text.RegularExpressions;

namespace FineTune.Vision.Tests;

/// <summary>Layers depend downward only (docs/architecture.md): checked on signatures and on the sources.</summary>
public sealed partial class ArchitectureTests
{
    /// <summary>The layers, lowest first. A layer may use only the layers before it.</summary>
    public static readonly string[] Layers =
        ["Core", "Imaging", "Transforms", "Data", "Models", "Weights", "Adaptation", "Metrics", "Optim", "Distributed", "Training", "Deployment"];

    private static int LayerOf(string? ns)
    {
        if (ns is null || !ns.StartsWith("FineTune.Vision.", StringComparison.Ordinal)) return -1;
        string first = ns["FineTune.Vision.".Length..].Split('.')[0];
        return Array.IndexOf(Layers, first);
    }

    [Fact]
    public void Every_namespace_is_a_known_layer()
    {
        var unknown = typeof(FineTune.Vision.Core.TorchBackend).Assembly.GetTypes()
            .Where(t => t.Namespace is not null && !IsGenerated(t))
            .Where(t => t.Namespace != "FineTune.Vision" && LayerOf(t.Namespace) < 0)
            .Select(t => t.FullName).ToList();
        Assert.True(unknown.Count == 0, "Types outside the layers of docs/architecture.md: " + string.Join(", ", unknown));
    }

    [Fact]
    public void Signatures_reference_only_lower_layers()
    {
        var violations = new List<string>();
        foreach (Type type in typeof(FineTune.Vision.Core.TorchBackend).Assembly.GetTypes())
        {
            int own = LayerOf(type.Namespace);
            if (own < 0) continue;
            foreach (Type used in SignatureTypes(type))
            {
                int other = LayerOf(used.Namespace);
                if (other > own) violations.Add($"{type.FullName} ({Layers[own]}) uses {used.FullName} ({Layers[other]})");
            }
        }
        Assert.True(violations.Count == 0, string.Join("\n", violations.Distinct()));
    }

    [Fact]
    public void Sources_import_only_lower_layers()
    {
        string src = Path.Combine(RepoRoot(), "src", "FineTune.Vision");
        var violations = new List<string>();
        foreach (string file in Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(src, file);
            int own = Array.IndexOf(Layers, relative.Split(Path.DirectorySeparatorChar)[0]);
            if (own < 0) continue;
            foreach (Match m in LayerReference().Matches(File.ReadAllText(file)))
            {
                int other = Array.IndexOf(Layers, m.Groups[1].Value);
                if (other > own) violations.Add($"{relative} uses FineTune.Vision.{m.Groups[1].Value}");
            }
        }
        Assert.True(violations.Count == 0, string.Join("\n", violations.Distinct()));
    }

    /// <summary>Compiler-generated types (regex source generator, closures) live outside the layers by design.</summary>
    private static bool IsGenerated(Type t) =>
        t.Namespace!.StartsWith("System.Text.RegularExpressions.Generated", StringComparison.Ordinal) || t.Name.StartsWith('<');

    private static IEnumerable<Type> SignatureTypes(Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        if (type.BaseType is not null) yield return type.BaseType;
        foreach (Type i in type.GetInterfaces()) yield return i;
        foreach (FieldInfo f in type.GetFields(all)) yield return f.FieldType;
        foreach (PropertyInfo p in type.GetProperties(all)) yield return p.PropertyType;
        foreach (MethodBase m in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
        {
            if (m is MethodInfo mi) yield return mi.ReturnType;
            foreach (ParameterInfo p in m.GetParameters()) yield return p.ParameterType;
        }
    }

    /// <summary>The repository root: the folder holding FineTune.Vision.sln above the test output.</summary>
    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "FineTune.Vision.sln"))) return dir.FullName;
        throw new InvalidOperationException($"FineTune.Vision.sln not found above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex(@"\bFineTune\.Vision\.(\w+)")]
    private static partial Regex LayerReference();
}
