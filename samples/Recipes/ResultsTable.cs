using System.Globalization;
using System.Text;
using FineTune.Vision.Metrics;

namespace FineTune.Vision.Recipes;

/// <summary>
/// The zoo's results: one row per (model, settings) with top-1 and top-5 (and the EMA's when on), kept in
/// <c>results.csv</c> across runs (a rerun replaces its row) and rendered as a markdown table (<c>results.md</c>, console).
/// </summary>
public sealed class ResultsTable
{
    private const string Header = "model,settings,epochs,top1,top5,ema_top1,ema_top5,samples";
    private const string HeaderWithoutSamples = "model,settings,epochs,top1,top5,ema_top1,ema_top5";
    private readonly List<ResultsRow> _rows = [];

    /// <summary>The rows, in insertion order.</summary>
    public IReadOnlyList<ResultsRow> Rows => _rows;

    /// <summary>Reads <paramref name="csvPath"/> if it exists (an empty table otherwise).</summary>
    /// <exception cref="InvalidDataException">The file is not a results table written by this class.</exception>
    public static ResultsTable Load(string csvPath)
    {
        ArgumentNullException.ThrowIfNull(csvPath);
        var table = new ResultsTable();
        if (!File.Exists(csvPath)) return table;
        string[] lines = File.ReadAllLines(csvPath);
        if (lines.Length == 0 || (lines[0] != Header && lines[0] != HeaderWithoutSamples))
            throw new InvalidDataException($"'{csvPath}' is not a zoo results table (expected the header '{Header}'); delete it or use another --out.");
        int fields = lines[0].Split(',').Length;
        foreach (string line in lines.Skip(1).Where(l => l.Length > 0))
        {
            string[] f = line.Split(',');
            if (f.Length != fields) throw new InvalidDataException($"'{csvPath}': malformed row '{line}' (expected {fields} fields).");
            table._rows.Add(new ResultsRow(f[0], f[1].Replace(';', ','), int.Parse(f[2], CultureInfo.InvariantCulture),
                Parse(f[3])!.Value, Parse(f[4])!.Value, Parse(f[5]), Parse(f[6]), fields > 7 ? long.Parse(f[7], CultureInfo.InvariantCulture) : 0));
        }
        return table;
    }

    /// <summary>Adds <paramref name="row"/>, replacing a row with the same model and settings.</summary>
    public void Upsert(ResultsRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        int i = _rows.FindIndex(r => r.Model == row.Model && r.Settings == row.Settings);
        if (i >= 0) _rows[i] = row;
        else _rows.Add(row);
    }

    /// <summary>Writes <c>results.csv</c> and <c>results.md</c> in <paramref name="folder"/>; returns their paths.</summary>
    public (string Csv, string Markdown) Save(string folder)
    {
        Directory.CreateDirectory(folder);
        var csv = new StringBuilder(Header).Append('\n');
        foreach (var r in _rows)
            csv.Append(CultureInfo.InvariantCulture, $"{r.Model},{r.Settings.Replace(',', ';')},{r.Epochs},{r.Top1:R},{r.Top5:R},{Format(r.EmaTop1)},{Format(r.EmaTop5)},{r.Samples}\n");
        string csvPath = Path.Combine(folder, "results.csv"), mdPath = Path.Combine(folder, "results.md");
        File.WriteAllText(csvPath, csv.ToString());
        File.WriteAllText(mdPath, ToMarkdown());
        return (csvPath, mdPath);
    }

    /// <summary>The table in markdown (percentages with two decimals; top-1 with its 95 % Clopper–Pearson interval when the row knows its sample count).</summary>
    public string ToMarkdown()
    {
        var text = new StringBuilder("| model | settings | epochs | top-1 [95 % CI] | top-5 | EMA top-1 | EMA top-5 |\n| --- | --- | ---: | ---: | ---: | ---: | ---: |\n");
        foreach (var r in _rows)
            text.Append(CultureInfo.InvariantCulture, $"| {r.Model} | {r.Settings} | {r.Epochs} | {r.Top1 * 100:0.00}{Interval(r)} | {r.Top5 * 100:0.00} | {Percent(r.EmaTop1)} | {Percent(r.EmaTop5)} |\n");
        return text.ToString();
    }

    private static string Interval(ResultsRow r) =>
        r.Samples > 0 && double.IsFinite(r.Top1) ? " " + AccuracyEstimate.FromAccuracy(r.Top1, r.Samples).Interval : "";

    private static double? Parse(string text) => text.Length == 0 ? null : double.Parse(text, CultureInfo.InvariantCulture);

    private static string Format(double? value) => value is double v ? v.ToString("R", CultureInfo.InvariantCulture) : "";

    private static string Percent(double? value) => value is double v ? (v * 100).ToString("0.00", CultureInfo.InvariantCulture) : "–";
}
