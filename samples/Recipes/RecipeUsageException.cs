namespace FineTune.Vision.Recipes;

/// <summary>A mistake on a recipe's command line: printed with the recipe's usage, exit code 2.</summary>
public sealed class RecipeUsageException(string message) : Exception(message);
