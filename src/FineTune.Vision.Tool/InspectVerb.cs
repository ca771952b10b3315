using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using FineTune.Vision.Adaptation;
using FineTune.Vision.Models;
using FineTune.Vision.Weights;

namespace FineTune.Vision.Cli;

/// <summary>
/// <c>inspect --weights FILE [--keys N]</c>: format, detected naming, tensor count, parameter total and the first keys with shapes.
/// <c>inspect --model NAME [--set k=v]… --param-groups --layer-decay X --weight-decay Y</c>: the optimizer parameter
/// groups the library builds, one JSON row per group in timm's terms (<c>param_groups_layer_decay</c>'s
/// <c>layer_{id}_{decay|no_decay}</c> names, in the order timm creates them), for checking a port against timm.
/// </summary>
public static class InspectVerb
{
    /// <summary>The <c>inspect</c> command.</summary>
    public static Command Command() => Opts.Verb("inspect", "Weights file: format, naming, tensors and the first keys; or (--param-groups) a model's optimizer parameter groups in timm's terms.",
    [
        Opts.Text("--weights", "The weights file to describe.", "FILE"),
        Opts.Int("--keys", "Keys to list (default 20)."),
        Opts.Text("--model", "Registry architecture, with --param-groups.", "NAME"),
        Opts.Many("--set", "Architecture override, key=value (repeatable).", "KEY=VALUE"),
        Opts.Flag("--param-groups", "Print the parameter groups (one JSON row per group)."),
        Opts.Number("--layer-decay", "Layer decay (default 1)."),
        Opts.Number("--weight-decay", "Weight decay (default 0.05)."),
    ], Run);

    /// <summary>Runs the verb.</summary>
    public static int Run(VerbInput line, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(output);
        return line.Flag("param-groups") ? ParamGroups(line, output) : Weights(line, output);
    }

    private static int ParamGroups(VerbInput line, TextWriter output)
    {
        double layerDecay = line.Double("layer-decay", 1.0);
        double weightDecay = line.Double("weight-decay", 0.05);
        string name = line.Required("model");
        var overrides = line.KeyValues();

        using VisionModel model = VisionModels.Create<ModelConfig>(name, c => c.WithOverrides(overrides));
        var order = model.named_parameters().Select((p, i) => (p.name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
        var groups = LayerParameterGroups.LayerDecay(model, layerDecay, new ParameterGroupOptions { WeightDecay = weightDecay });
        foreach (var g in groups.OrderBy(g => g.Parameters.Min(p => order[p.Name])))
        {
            var row = new Dictionary<string, object>
            {
                ["group"] = string.Create(CultureInfo.InvariantCulture, $"layer_{g.LayerId}_{(g.Name.EndsWith("/no_decay", StringComparison.Ordinal) ? "no_decay" : "decay")}"),
                ["lr_scale"] = g.LrScale,
                ["weight_decay"] = g.WeightDecay,
                ["params"] = g.Parameters.Select(p => p.Name).ToArray(),
            };
            output.WriteLine(JsonSerializer.Serialize(row));
        }
        return 0;
    }

    private static int Weights(VerbInput line, TextWriter output)
    {
        string path = line.Required("weights");
        int keys = line.Int("keys", 20);

        using StateDict weights = WeightsFile.Load(path);
        output.WriteLine($"file:       {path}");
        output.WriteLine($"format:     {weights.Format}");
        if (weights.ContainerPath is not null) output.WriteLine($"container:  {weights.ContainerPath}");
        output.WriteLine($"naming:     {KeyMaps.Detect(weights.Keys)}");
        output.WriteLine($"tensors:    {weights.Count}");
        output.WriteLine($"parameters: {weights.ElementCount():N0}");
        foreach (var (key, value) in weights.Metadata) output.WriteLine($"metadata:   {key} = {value}");
        foreach (string note in weights.Notes) output.WriteLine($"note:       {note}");
        output.WriteLine($"first {Math.Min(keys, weights.Count)} keys:");
        foreach (string key in weights.Keys.Take(keys))
        {
            var t = weights[key];
            output.WriteLine($"  {key,-60} {t.dtype,-9} [{string.Join(", ", t.shape)}]");
        }
        return 0;
    }
}
