using System.Runtime.CompilerServices;
using static TorchSharp.torch;

namespace FineTune.Vision.Models;

/// <summary>Which module carries which <see cref="IMergeableAdapter"/> (adapters register themselves; no module is changed).</summary>
internal static class MergeableAdapters
{
    private static readonly ConditionalWeakTable<nn.Module, IMergeableAdapter> Table = [];

    /// <summary>The adapter attached to <paramref name="module"/>, or <see langword="null"/>.</summary>
    public static IMergeableAdapter? Of(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        return Table.TryGetValue(module, out var adapter) ? adapter : null;
    }

    /// <summary>Records that <paramref name="adapter"/> adapts <paramref name="module"/>'s weight.</summary>
    internal static void Attach(nn.Module module, IMergeableAdapter adapter) => Table.AddOrUpdate(module, adapter);

    /// <summary>Forgets the adapter of <paramref name="module"/>.</summary>
    internal static void Detach(nn.Module module) => Table.Remove(module);
}
