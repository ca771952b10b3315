using FineTune.Vision.Weights;

namespace FineTune.Vision.Cli;

/// <summary><c>inspect --weights FILE [--keys N]</c>: format, detected naming, tensor count, parameter total and the first keys with shapes.</summary>
public static class InspectVerb
{
    /// <summary>One-line usage.</summary>
    public const string Usage = "inspect --weights FILE [--keys N]";

    /// <summary>Runs the verb.</summary>
    public static int Run(CommandLine line, TextWriter output)
    {
        string path = line.Required("weights");
        int keys = line.Int("keys", 20);
        line.RejectUnknown();

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
