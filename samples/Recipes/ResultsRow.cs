namespace FineTune.Vision.Recipes;

/// <summary>One result: model, settings (<see cref="ZooSettings.Describe"/>), epochs, top-1/top-5 fractions and the EMA's.</summary>
/// <param name="Model">The timm model name.</param>
/// <param name="Settings">The optimizer and ablations.</param>
/// <param name="Epochs">Epochs trained.</param>
/// <param name="Top1">Validation top-1 (fraction).</param>
/// <param name="Top5">Validation top-5 (fraction).</param>
/// <param name="EmaTop1">The EMA weights' top-1, when EMA was on.</param>
/// <param name="EmaTop5">The EMA weights' top-5, when EMA was on.</param>
/// <param name="Samples">Validation images (0: not recorded); with it the table prints top-1's 95 % Clopper–Pearson interval.</param>
public sealed record ResultsRow(string Model, string Settings, int Epochs, double Top1, double Top5, double? EmaTop1, double? EmaTop5, long Samples = 0);
