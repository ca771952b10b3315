namespace FineTune.Vision.Recipes;

/// <summary>What a recipe run produced: its output folder, its headline metrics and the files it wrote.</summary>
/// <param name="OutDir">The output folder.</param>
/// <param name="Metrics">Headline metrics by name (e.g. <c>best_val_top1</c>), as fractions.</param>
/// <param name="Files">The main files written (checkpoints, logs, tables, plots), as paths.</param>
public sealed record RecipeResult(string OutDir, IReadOnlyDictionary<string, double> Metrics, IReadOnlyList<string> Files);
