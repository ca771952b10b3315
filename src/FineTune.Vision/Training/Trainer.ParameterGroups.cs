using FineTune.Vision.Adaptation;
using FineTune.Vision.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Training;

public sealed partial class Trainer
{
    /// <summary>The groups over the parameters the optimizer updates (the fp32 masters under mixed precision), by name.</summary>
    private IReadOnlyList<ParameterGroup> Rebind(IReadOnlyList<ParameterGroup> groups, IReadOnlyList<(string Name, Parameter Parameter)> named)
    {
        ArgumentNullException.ThrowIfNull(groups, nameof(Options.ParameterGroups));
        var byName = named.ToDictionary(p => p.Name, p => p.Parameter, StringComparer.Ordinal);
        return [.. groups.Select(g => g with
        {
            Parameters = [.. g.Parameters.Select(p => byName.TryGetValue(p.Name, out Parameter? x) ? (p.Name, x)
                : throw new ArgumentException($"{nameof(TrainerOptions.ParameterGroups)} gave group '{g.Name}' a parameter '{p.Name}' that '{_model.Name}' does not have; build the groups from the model passed to the factory."))],
        })];
    }

    private IEnumerable<(string Name, Tensor Value)> EmaSources()
    {
        var masters = _precision?.MasterTensors.ToDictionary(m => m.Name, m => m.Value, StringComparer.Ordinal);
        foreach (var (name, value) in ModuleState.Of(_model.Module))
            yield return (name, masters is not null && masters.TryGetValue(name, out Tensor? m) ? m : value);
    }
}
