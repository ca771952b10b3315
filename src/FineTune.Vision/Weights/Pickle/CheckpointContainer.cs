namespace FineTune.Vision.Weights.Pickle;

/// <summary>Finds the state dict inside an unpickled checkpoint (timm, DeiT, torchvision and trainer layouts).</summary>
internal static class CheckpointContainer
{
    private static readonly string[] Plain = ["state_dict", "model", "module", "model_state", "model_state_dict", "net", "params"];
    private static readonly string[] Ema = ["state_dict_ema", "model_ema", "ema_state_dict", "ema"];

    /// <summary>
    /// Descends through container keys until a dict holding tensors is reached; returns it with its dotted path
    /// (null for the top level) and notes about the choice and skipped non-tensor entries.
    /// </summary>
    public static (List<(string Key, TensorRef Tensor)> Tensors, string? Path) Select(
        string file, object? root, CheckpointReadOptions options, IList<string> notes)
    {
        var current = root as PyDict
            ?? throw new WeightsFormatException(file, null, $"the checkpoint's top level is a {Describe(root)}, not a dict of tensors.");
        var path = new List<string>();
        if (options.ContainerKey is { } requested)
        {
            foreach (string part in requested.Split('.'))
            {
                current = Child(file, current, part, path) ?? throw new WeightsFormatException(file, null,
                    $"the container '{requested}' was not found; top-level keys: {Keys(root as PyDict)}.");
            }
        }
        else
        {
            while (!HasTensors(current) && Choose(current, options.PreferEma, notes) is { } key)
            {
                current = Child(file, current, key, path)!;
            }
        }
        var tensors = Collect(file, current, path, notes);
        if (tensors.Count == 0)
        {
            throw new WeightsFormatException(file, null,
                $"no tensors found at {(path.Count == 0 ? "the top level" : $"'{string.Join('.', path)}'")}; keys there: {Keys(current)}. " +
                "Pass CheckpointReadOptions.ContainerKey to pick the state dict.");
        }
        return (tensors, path.Count == 0 ? null : string.Join('.', path));
    }

    private static PyDict? Child(string file, PyDict dict, string key, List<string> path)
    {
        if (!dict.TryGet(key, out var value))
        {
            return null;
        }
        path.Add(key);
        return value as PyDict ?? throw new WeightsFormatException(file, null, $"'{string.Join('.', path)}' is a {Describe(value)}, not a dict.");
    }

    private static string? Choose(PyDict dict, bool preferEma, IList<string> notes)
    {
        var order = preferEma ? Ema.Concat(Plain) : Plain.Concat(Ema);
        var present = order.Where(k => dict.TryGet(k, out var v) && v is PyDict).ToList();
        if (present.Count == 0)
        {
            return null;
        }
        string others = present.Count > 1 ? $" (also present: {string.Join(", ", present.Skip(1))})" : "";
        notes.Add($"nested checkpoint: using '{present[0]}'{others}");
        return present[0];
    }

    private static bool HasTensors(PyDict dict) => dict.Items.Any(p => p.Value is TensorRef);

    private static List<(string, TensorRef)> Collect(string file, PyDict dict, List<string> path, IList<string> notes)
    {
        var tensors = new List<(string, TensorRef)>();
        var skipped = new List<string>();
        foreach (var (key, value) in dict.Items)
        {
            if (key is string name && value is TensorRef t)
            {
                tensors.Add((name, t));
            }
            else if (value is PyObjectStub stub)
            {
                string at = string.Join('.', path.Append(key.ToString() ?? "None"));
                throw new WeightsFormatException(file, null,
                    $"'{at}' in the state dict is a {stub.Type} object, a class outside the allow-list that is kept only as inert " +
                    "data and can never become a tensor; the checkpoint was refused.");
            }
            else
            {
                skipped.Add($"{key} ({Describe(value)})");
            }
        }
        if (skipped.Count > 0 && tensors.Count > 0)
        {
            notes.Add($"skipped {skipped.Count} non-tensor entries: {string.Join(", ", skipped.Take(8))}");
        }
        return tensors;
    }

    private static string Keys(PyDict? dict) =>
        dict is null ? "(none)" : string.Join(", ", dict.Items.Take(12).Select(p => $"'{p.Key}'"));

    private static string Describe(object? value) => value switch
    {
        null => "None",
        PyDict => "dict",
        TensorRef => "tensor",
        List<object?> => "list",
        PyTuple => "tuple",
        PyObjectStub o => $"{o.Type} placeholder",
        _ => value.GetType().Name,
    };
}
