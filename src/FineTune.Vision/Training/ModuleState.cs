using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Training;

/// <summary>Snapshots of named tensors (a module's state, master weights) and their restoration, under no_grad.</summary>
internal static class ModuleState
{
    /// <summary>Detached clones of <paramref name="tensors"/>, owned by the caller (dispose with <see cref="Dispose"/>).</summary>
    public static Dictionary<string, Tensor> Snapshot(IEnumerable<(string Name, Tensor Value)> tensors)
    {
        using var noGrad = torch.no_grad();
        var copy = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, value) in tensors) copy[name] = value.detach().clone().DetachFromDisposeScope();
        return copy;
    }

    /// <summary>Copies <paramref name="snapshot"/> back into the live tensors of the same names.</summary>
    public static void Restore(IEnumerable<(string Name, Tensor Value)> tensors, IReadOnlyDictionary<string, Tensor> snapshot)
    {
        using var noGrad = torch.no_grad();
        foreach (var (name, value) in tensors)
            if (snapshot.TryGetValue(name, out Tensor? saved)) value.copy_(saved);
    }

    /// <summary>Disposes every tensor of a snapshot.</summary>
    public static void Dispose(Dictionary<string, Tensor> snapshot)
    {
        foreach (Tensor t in snapshot.Values) t.Dispose();
        snapshot.Clear();
    }

    /// <summary>A module's parameters and buffers by state-dict name.</summary>
    public static IEnumerable<(string Name, Tensor Value)> Of(nn.Module module) =>
        module.state_dict().Select(kv => (kv.Key, kv.Value));
}
