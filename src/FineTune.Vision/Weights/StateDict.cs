using System.Collections;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Weights;

/// <summary>
/// An ordered collection of named tensors that owns them: a model's weights as read from or written to a file.
/// Tensors added are owned by the collection (disposed by <see cref="Remove"/> and <see cref="Dispose"/>);
/// <see cref="Take"/> hands one back to the caller. The indexer returns the owned tensor itself: do not dispose it.
/// </summary>
public sealed class StateDict : IDisposable, IReadOnlyCollection<KeyValuePair<string, Tensor>>
{
    private readonly Dictionary<string, Tensor> _tensors = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private bool _disposed;

    /// <summary>The file the tensors came from, or <see langword="null"/> when built in memory.</summary>
    public string? SourcePath { get; init; }

    /// <summary>The file's container format, or <see langword="null"/> when built in memory.</summary>
    public WeightsFormat? Format { get; init; }

    /// <summary>
    /// Where in a nested checkpoint the tensors were found (e.g. <c>model</c> or <c>state_dict_ema</c>);
    /// <see langword="null"/> when the file's top level was the state dict.
    /// </summary>
    public string? ContainerPath { get; internal set; }

    /// <summary>String metadata: safetensors' <c>__metadata__</c>, written back by <see cref="SafeTensors.Save(string, StateDict)"/>.</summary>
    public IDictionary<string, string> Metadata { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Human-readable notes from reading (container chosen, entries skipped, keys renamed).</summary>
    public IList<string> Notes { get; } = [];

    /// <summary>The number of tensors.</summary>
    public int Count => _order.Count;

    /// <summary>The keys, in file order.</summary>
    public IReadOnlyList<string> Keys => _order;

    /// <summary>The tensor stored under <paramref name="key"/> (still owned by this collection).</summary>
    /// <exception cref="KeyNotFoundException">No tensor has that key; the message lists a few keys that exist.</exception>
    public Tensor this[string key]
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_tensors.TryGetValue(key, out var t))
            {
                return t;
            }
            throw new KeyNotFoundException(
                $"No tensor '{key}' in {SourcePath ?? "the state dict"} ({Count} tensors, e.g. {string.Join(", ", _order.Take(5))}).");
        }
    }

    /// <summary>Whether a tensor has the key.</summary>
    public bool ContainsKey(string key) => _tensors.ContainsKey(key);

    /// <summary>Gets the tensor under <paramref name="key"/>, if any (still owned by this collection).</summary>
    public bool TryGetValue(string key, out Tensor tensor) => _tensors.TryGetValue(key, out tensor!);

    /// <summary>Adds a tensor and takes ownership of it (it is detached from any dispose scope).</summary>
    /// <exception cref="ArgumentException">The key already exists.</exception>
    public void Add(string key, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(tensor);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_tensors.ContainsKey(key))
        {
            throw new ArgumentException($"The state dict already has a tensor '{key}'.", nameof(key));
        }
        _tensors.Add(key, tensor.DetachFromDisposeScope());
        _order.Add(key);
    }

    /// <summary>Replaces (and disposes) the tensor under an existing key, keeping its position, or adds it.</summary>
    public void Set(string key, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_tensors.TryGetValue(key, out var old))
        {
            if (!ReferenceEquals(old, tensor))
            {
                old.Dispose();
            }
            _tensors[key] = tensor.DetachFromDisposeScope();
            return;
        }
        Add(key, tensor);
    }

    /// <summary>Removes and disposes the tensor under <paramref name="key"/>; false when there was none.</summary>
    public bool Remove(string key)
    {
        var tensor = TakeOrNull(key);
        tensor?.Dispose();
        return tensor is not null;
    }

    /// <summary>Removes the tensor under <paramref name="key"/> and hands its ownership to the caller.</summary>
    /// <exception cref="KeyNotFoundException">No tensor has that key.</exception>
    public Tensor Take(string key) =>
        TakeOrNull(key) ?? throw new KeyNotFoundException($"No tensor '{key}' in {SourcePath ?? "the state dict"}.");

    /// <summary>Renames a key in place (same position); <paramref name="newKey"/> must not exist yet.</summary>
    public void Rename(string oldKey, string newKey)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (oldKey == newKey)
        {
            return;
        }
        if (_tensors.ContainsKey(newKey))
        {
            throw new ArgumentException($"Cannot rename '{oldKey}' to '{newKey}': that key exists already.", nameof(newKey));
        }
        var tensor = _tensors[oldKey];
        _tensors.Remove(oldKey);
        _tensors.Add(newKey, tensor);
        _order[_order.IndexOf(oldKey)] = newKey;
    }

    /// <summary>The total number of elements over all tensors.</summary>
    public long ElementCount() => _tensors.Values.Sum(t => t.numel());

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, Tensor>> GetEnumerator()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        foreach (var key in _order.ToArray())
        {
            yield return new KeyValuePair<string, Tensor>(key, _tensors[key]);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Disposes every tensor still owned. Idempotent.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        foreach (var tensor in _tensors.Values)
        {
            tensor.Dispose();
        }
        _tensors.Clear();
        _order.Clear();
    }

    private Tensor? TakeOrNull(string key)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_tensors.Remove(key, out var tensor))
        {
            return null;
        }
        _order.Remove(key);
        return tensor;
    }
}
