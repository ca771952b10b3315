using System.Globalization;

namespace FineTune.Vision.Training;

/// <summary>Round-trip formatting of numbers in callback state dictionaries (invariant culture, "R").</summary>
internal static class StateValues
{
    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <exception cref="InvalidDataException">The key is missing or not a number.</exception>
    public static double Double(IReadOnlyDictionary<string, string> state, string key) =>
        state.TryGetValue(key, out string? text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)
            ? v : throw new InvalidDataException($"Callback state has no number '{key}' (keys: {string.Join(", ", state.Keys)}).");

    /// <exception cref="InvalidDataException">The key is missing or not an integer.</exception>
    public static int Int(IReadOnlyDictionary<string, string> state, string key) =>
        state.TryGetValue(key, out string? text) && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v)
            ? v : throw new InvalidDataException($"Callback state has no integer '{key}' (keys: {string.Join(", ", state.Keys)}).");
}
