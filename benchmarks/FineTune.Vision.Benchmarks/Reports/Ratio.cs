using System.Globalization;
using System.Text.Json;

namespace FineTune.Vision.Benchmarks.Reports;

/// <summary>
/// A headline figure of a ratio report, measured in one process against a ceiling or a peer (so it travels between
/// machines better than a time): its value and the spread of the repeated measurements behind it (half the range of
/// the per-round values, or the gap between the best and the median run where there is one round).
/// </summary>
/// <param name="Name">Stable key, e.g. <c>mfu/vit_small_patch16_224/fp32</c>.</param>
/// <param name="Value">The figure (a ratio or a fraction).</param>
/// <param name="Spread">How far repeated measurements of it strayed (same unit, ≥ 0).</param>
/// <param name="HigherIsBetter">False for costs (e.g. LoRA ÷ full memory).</param>
public sealed record Ratio(string Name, double Value, double Spread, bool HigherIsBetter = true)
{
    /// <summary>Half the range of <paramref name="values"/> (0 for one value).</summary>
    public static double HalfRange(IReadOnlyCollection<double> values) =>
        values.Count < 2 ? 0 : (values.Max() - values.Min()) / 2;

    /// <summary>Writes <paramref name="ratios"/> as a JSON file (name → value, spread, higher-is-better) with the machine line.</summary>
    public static void Save(string path, IEnumerable<Ratio> ratios, string machine)
    {
        var file = new RatioFile(machine, DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), [.. ratios]);
        File.WriteAllText(path, JsonSerializer.Serialize(file, Options) + "\n");
    }

    /// <summary>
    /// Adds <paramref name="ratios"/> to the file at <paramref name="path"/> (replacing those of the same name; a new file if
    /// there is none), so that single reports run one after another (<c>mfu --json F</c>, <c>onnx --json F</c>) build one set.
    /// </summary>
    public static void Merge(string path, IEnumerable<Ratio> ratios, string machine)
    {
        var added = ratios.ToList();
        IEnumerable<Ratio> kept = File.Exists(path) ? Load(path).Ratios.Where(r => added.All(a => a.Name != r.Name)) : [];
        Save(path, [.. kept, .. added], machine);
    }

    /// <summary>Reads a file written by <see cref="Save"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a ratio file.</exception>
    public static RatioFile Load(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<RatioFile>(File.ReadAllText(path), Options)
                ?? throw new InvalidDataException($"{path}: empty ratio file.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a ratio file ({e.Message}).", e);
        }
    }

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}

/// <summary>A set of ratios as written to disk: the machine they were measured on, the date, the ratios.</summary>
public sealed record RatioFile(string Machine, string Date, IReadOnlyList<Ratio> Ratios);
