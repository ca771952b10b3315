using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace FineTune.Vision.Cli;

/// <summary>
/// Reads the <c>args.yaml</c> that timm's <c>train.py</c> writes (<c>yaml.safe_dump(args.__dict__)</c>: one key per
/// option, underscores for dashes) as <c>ftv train</c> command-line tokens, so that the file and the command line go
/// through the same options and checks.
/// </summary>
public static class TimmArgsYaml
{
    /// <summary>
    /// The tokens of the keys in <paramref name="supported"/> (<c>warmup_epochs: 5</c> → <c>--warmup-epochs 5</c>; a true
    /// boolean → the switch, false → nothing; a list → its items; a mapping → <c>key=value</c> items; null and empty
    /// strings → nothing) and the other keys, sorted. timm's positional <c>data</c> (and <c>data_dir</c>) is <c>--data</c>;
    /// <c>val_split</c> (a split name in timm, a fraction in ftv) is ignored; its default <c>device: cuda</c> is left to ftv's default (CUDA when available, else the CPU).
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a YAML mapping (the message names the file).</exception>
    public static (string[] Tokens, IReadOnlyList<string> Ignored) ToTokens(string path, IReadOnlySet<string> supported)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(supported);
        if (!File.Exists(path)) throw new FileNotFoundException($"--config '{path}' does not exist.", path);
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            stream.Load(reader);
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new InvalidDataException($"--config '{path}' is not valid YAML: {e.Message}", e);
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new InvalidDataException($"--config '{path}' is not a YAML mapping of option names to values (timm's args.yaml).");
        var tokens = new List<string>();
        var ignored = new List<string>();
        foreach (var (keyNode, value) in root.Children)
        {
            string key = ((YamlScalarNode)keyNode).Value ?? "";
            string option = key switch
            {
                "data_dir" => "data",
                _ => key,
            };
            if (key == "device" && value is YamlScalarNode { Value: "cuda" }) continue;   // timm's default, not a choice
            if (!supported.Contains(option) || key == "val_split")   // timm's val_split names a dataset split ('validation'); ftv's is a fraction
            {
                ignored.Add(key);
                continue;
            }
            List<string> values = Values(value, path, key);
            if (values.Count == 1 && values[0] is "true" or "True") tokens.Add(Name(option));
            else if (values.Count == 1 && values[0] is "false" or "False") continue;
            else if (values.Count > 0)
            {
                tokens.Add(Name(option));
                tokens.AddRange(values);
            }
        }
        ignored.Sort(StringComparer.Ordinal);
        return ([.. tokens], ignored);
    }

    private static List<string> Values(YamlNode node, string path, string key) => node switch
    {
        YamlScalarNode { Value: null or "" or "null" or "~" } => [],
        YamlScalarNode s => [s.Value!],
        YamlSequenceNode list => [.. list.Children.Select(c => Scalar(c, path, key))],
        YamlMappingNode map => [.. map.Children.Select(kv => $"{Scalar(kv.Key, path, key)}={Scalar(kv.Value, path, key)}")],
        _ => throw new InvalidDataException($"--config '{path}': the value of '{key}' is not a scalar, list or mapping."),
    };

    private static string Scalar(YamlNode node, string path, string key) =>
        node is YamlScalarNode { Value: { } v } ? v
            : throw new InvalidDataException($"--config '{path}': '{key}' holds a nested value; only scalars are read inside lists and mappings.");

    private static string Name(string key) => "--" + key.Replace('_', '-').ToString(CultureInfo.InvariantCulture);
}
