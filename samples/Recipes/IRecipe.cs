namespace FineTune.Vision.Recipes;

/// <summary>One seed recipe, runnable from a sample's <c>Main</c>, the CLI's <c>train --recipe NAME</c> and tests.</summary>
public interface IRecipe
{
    /// <summary>The name on the command line (<c>tiny-imagenet-vit</c>, ...).</summary>
    string Name { get; }

    /// <summary>One line: what the recipe does.</summary>
    string Summary { get; }

    /// <summary>The recipe's own options, one per line, for the usage text.</summary>
    IReadOnlyList<string> Options { get; }

    /// <summary>Runs the recipe; progress and results go to <paramref name="log"/>.</summary>
    /// <exception cref="RecipeUsageException">The arguments are wrong (the message says which and how to fix it).</exception>
    RecipeResult Run(RecipeArguments args, TextWriter log, CancellationToken cancellationToken = default);
}
