using FineTune.Vision.Samples;
using TorchSharp;

namespace FineTune.Vision.Recipes;

/// <summary>
/// The recipe catalogue and the one way to run a recipe from a command line (the samples' <c>Main</c> and the CLI's
/// <c>train --recipe NAME</c>): parse, set the thread count, run, and turn mistakes into clear messages and exit codes
/// (0 done, 1 failed: any exception, as <see cref="EntryPoint"/> reports it; 2 wrong arguments).
/// </summary>
public static class RecipeRunner
{
    /// <summary>The four seed recipes, in the order the design lists them.</summary>
    public static IReadOnlyList<IRecipe> All { get; } =
        [new TinyImageNetVitRecipe(), new BeitLoraRecipe(), new TransferTricksRecipe(), new TinyImageNetZooRecipe()];

    /// <summary>The recipe called <paramref name="name"/>.</summary>
    /// <exception cref="RecipeUsageException">No recipe has that name (the message lists them).</exception>
    public static IRecipe Get(string name) =>
        All.FirstOrDefault(r => r.Name == name)
        ?? throw new RecipeUsageException($"Unknown recipe '{name}'. Recipes: {string.Join(", ", All.Select(r => r.Name))}.");

    /// <summary>Runs <paramref name="recipe"/> with <paramref name="args"/>; returns the process exit code.</summary>
    public static int Main(IRecipe recipe, IReadOnlyList<string> args, TextWriter? output = null, TextWriter? error = null)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentNullException.ThrowIfNull(args);
        output ??= Console.Out;
        error ??= Console.Error;
        if (args.Any(a => a is "--help" or "-h" or "help"))
        {
            WriteUsage(recipe, output);
            return 0;
        }
        return EntryPoint.Run(() =>
        {
            try
            {
                Run(recipe, args, output);
                return 0;
            }
            catch (RecipeUsageException e)
            {
                error.WriteLine($"error: {e.Message}");
                WriteUsage(recipe, error);
                return 2;
            }
        }, error);
    }

    /// <summary>Runs <paramref name="recipe"/> (exceptions propagate); the libtorch thread count that <c>--threads</c> or <c>--smoke</c> sets is restored afterwards.</summary>
    public static RecipeResult Run(IRecipe recipe, IReadOnlyList<string> args, TextWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        var parsed = RecipeArguments.Parse(recipe.Name, args);
        int before = torch.get_num_threads();
        try
        {
            return recipe.Run(parsed, output, cancellationToken);
        }
        finally
        {
            torch.set_num_threads(before);
        }
    }

    /// <summary>Writes the usage of <paramref name="recipe"/>.</summary>
    public static void WriteUsage(IRecipe recipe, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteLine($"{recipe.Name}: {recipe.Summary}");
        writer.WriteLine($"usage: --data DIR --weights FILE [--out DIR] [--epochs N] [--seed N] [--workers N] [--threads N] [--device cpu|cuda[:N]|auto] [--grad-checkpointing] [options]");
        writer.WriteLine($"       --smoke [--out DIR]   (tiny generated Tiny-ImageNet-layout data, tiny model, seconds)");
        foreach (string line in recipe.Options) writer.WriteLine("  " + line);
    }
}
