// The GPU kit's test runner, compiled into the test project only when it is published with -p:GpuKit=true
// (tools/gpu/prepare.sh). The GPU machine has no .NET SDK, so no `dotnet test`/vstest: this entry point runs the
// test assembly's own xunit facts and theories by reflection. By default it runs the classes and methods carrying
// [Trait("Category", "Cuda")]; --filter TEXT runs instead every test whose full name contains TEXT (used for the CPU
// dry run). Theory rows come from the xunit data attributes (InlineData, MemberData, ...). A test with Skip set
// (CudaFact without a GPU) is reported as skipped with its reason. Exit code: the number of failures (0 = all passed).
// Only parameterless test classes are supported (the Cuda tests have no fixtures); others are reported as failures.
using System.Diagnostics;
using System.Reflection;
using Xunit.Sdk;

namespace FineTune.Vision.Tests.GpuKit;

internal static class CudaTestRunner
{
    public static int Main(string[] args)
    {
        string? filter = null;
        string category = "Cuda";
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--filter" && i + 1 < args.Length) filter = args[++i];
            else if (args[i] == "--category" && i + 1 < args.Length) category = args[++i];
        }
        int passed = 0, failed = 0, skipped = 0;
        var total = Stopwatch.StartNew();
        foreach (Type type in LoadableTypes().Where(t => t.IsClass && !t.IsAbstract).OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            bool classInCategory = HasTrait(type, category);
            MethodInfo[] methods;
            try
            {
                methods = type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static);
            }
            catch (Exception e) when (e is TypeLoadException or FileNotFoundException)
            {
                continue;
            }
            foreach (MethodInfo method in methods.OrderBy(m => m.MetadataToken))
            {
                FactAttribute? fact;
                try
                {
                    fact = method.GetCustomAttribute<FactAttribute>();
                }
                catch (Exception e) when (e is TypeLoadException or FileNotFoundException)
                {
                    continue;
                }
                if (fact is null) continue;
                string name = $"{type.FullName}.{method.Name}";
                bool selected = filter is null ? classInCategory || HasTrait(method, category) : name.Contains(filter, StringComparison.Ordinal);
                if (!selected) continue;
                if (fact.Skip is not null)
                {
                    skipped++;
                    Console.WriteLine($"SKIP {name}: {fact.Skip}");
                    continue;
                }
                IEnumerable<object?[]> rows = fact is TheoryAttribute
                    ? method.GetCustomAttributes<DataAttribute>().SelectMany(d => d.GetData(method))
                    : [[]];
                foreach (object?[] row in rows)
                {
                    string label = row.Length == 0 ? name : $"{name}({string.Join(", ", row)})";
                    var sw = Stopwatch.StartNew();
                    try
                    {
                        Invoke(type, method, row);
                        passed++;
                        Console.WriteLine($"PASS {label} [{sw.Elapsed.TotalSeconds:F1} s]");
                    }
                    catch (Exception e)
                    {
                        failed++;
                        Exception inner = e is TargetInvocationException { InnerException: { } ie } ? ie : e;
                        Console.WriteLine($"FAIL {label} [{sw.Elapsed.TotalSeconds:F1} s]\n{inner}");
                    }
                }
            }
        }
        Console.WriteLine($"Total: {passed} passed, {failed} failed, {skipped} skipped in {total.Elapsed.TotalSeconds:F1} s");
        return failed;
    }

    /// <summary>The assembly's types; those needing an assembly the kit leaves out (Roslyn, for DocsCompileTests) are skipped.</summary>
    private static IEnumerable<Type> LoadableTypes()
    {
        try
        {
            return typeof(CudaTestRunner).Assembly.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            return e.Types.OfType<Type>();
        }
    }

    private static void Invoke(Type type, MethodInfo method, object?[] row)
    {
        object? instance = method.IsStatic ? null : Activator.CreateInstance(type)
            ?? throw new InvalidOperationException($"{type.FullName} could not be created.");
        try
        {
            object?[] arguments = [.. method.GetParameters().Select((p, i) => i < row.Length ? Convert(row[i], p.ParameterType) : p.DefaultValue)];
            object? result = method.Invoke(instance, arguments);
            if (result is Task task) task.GetAwaiter().GetResult();
        }
        finally
        {
            (instance as IDisposable)?.Dispose();
        }
    }

    private static object? Convert(object? value, Type target) =>
        value is null || target.IsInstanceOfType(value) ? value
        : target.IsEnum ? Enum.ToObject(target, value)
        : System.Convert.ChangeType(value, Nullable.GetUnderlyingType(target) ?? target, System.Globalization.CultureInfo.InvariantCulture);

    private static bool HasTrait(MemberInfo member, string category) =>
        member.GetCustomAttributesData().Any(d => d.AttributeType == typeof(TraitAttribute)
            && d.ConstructorArguments.Count == 2
            && (string?)d.ConstructorArguments[0].Value == "Category"
            && (string?)d.ConstructorArguments[1].Value == category);
}
