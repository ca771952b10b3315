using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Training;

/// <summary>
/// Exponential moving average of a model's weights (timm <c>ModelEmaV3</c>): fp32 shadow tensors that follow the
/// live parameters and floating buffers (integer buffers are copied). Instead of a deep copy of the module, the
/// shadows are copied into the model for evaluation and the live weights put back afterwards.
/// </summary>
public sealed class ModelEma : IDisposable
{
    private readonly List<(string Name, Tensor Source, Tensor Shadow)> _entries = [];
    private bool _disposed;

    /// <summary>Starts the EMA at the current values of <paramref name="sources"/> (the live tensors it follows).</summary>
    public ModelEma(IEnumerable<(string Name, Tensor Value)> sources, EmaOptions options)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Errors().ToList();
        if (errors.Count > 0) throw new ArgumentException("Invalid EmaOptions:\n  " + string.Join("\n  ", errors), nameof(options));
        Options = options;
        using var noGrad = torch.no_grad();
        foreach (var (name, source) in sources)
        {
            Tensor shadow = (source.is_floating_point() ? source.detach().to(ScalarType.Float32) : source.detach()).clone().DetachFromDisposeScope();
            _entries.Add((name, source, shadow));
        }
    }

    /// <summary>The options.</summary>
    public EmaOptions Options { get; }

    /// <summary>The shadow tensors by state-dict name (fp32 for floating values).</summary>
    public IEnumerable<KeyValuePair<string, Tensor>> Shadows => _entries.Select(e => KeyValuePair.Create(e.Name, e.Shadow));

    /// <summary>Moves the shadows towards the live values with the decay for optimizer step <paramref name="step"/> (1-based).</summary>
    public void Update(long step)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        double weight = 1.0 - Options.DecayAt(step);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        foreach (var (_, source, shadow) in _entries)
        {
            if (!shadow.is_floating_point()) shadow.copy_(source);
            else if (weight >= 1.0) shadow.copy_(source);
            else shadow.lerp_(source.detach().to(ScalarType.Float32), weight);
        }
    }

    /// <summary>Copies the shadows into the same-named tensors of <paramref name="model"/> (cast to their types).</summary>
    public void CopyTo(nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var shadows = _entries.ToDictionary(e => e.Name, e => e.Shadow, StringComparer.Ordinal);
        ModuleState.Restore(ModuleState.Of(model), shadows);
    }

    /// <summary>Replaces the shadows by saved values (resume); every name must be present with its shape.</summary>
    /// <exception cref="InvalidDataException">A name is missing or a shape differs.</exception>
    internal void Load(IReadOnlyDictionary<string, Tensor> saved, string source)
    {
        ArgumentNullException.ThrowIfNull(saved);
        using var noGrad = torch.no_grad();
        foreach (var (name, _, shadow) in _entries)
        {
            if (!saved.TryGetValue(name, out Tensor? value))
                throw new InvalidDataException($"EMA file '{source}' has no tensor '{name}'; it was saved from a different model.");
            if (!value.shape.SequenceEqual(shadow.shape))
                throw new InvalidDataException($"EMA file '{source}': '{name}' is [{string.Join(", ", value.shape)}], the model needs [{string.Join(", ", shadow.shape)}].");
            shadow.copy_(value);
        }
    }

    /// <summary>Disposes the shadows. Idempotent.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var (_, _, shadow) in _entries) shadow.Dispose();
        _entries.Clear();
    }
}
