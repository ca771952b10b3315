using FineTune.Vision.Recipes;

namespace FineTune.Vision.Cli;

/// <summary>
/// <c>train --recipe NAME [recipe options]</c>: runs one of the seed recipes with the same code as its sample
/// (<c>samples/Recipes</c>); every other option goes to the recipe (<c>--data</c>, <c>--weights</c>, <c>--smoke</c>, ...).
/// </summary>
public static class TrainVerb
{
    /// <summary>One-line usage.</summary>
    public static readonly string Usage =
        $"train --recipe {string.Join("|", RecipeRunner.All.Select(r => r.Name))} (--data DIR --weights FILE | --smoke) [--out DIR] [--epochs N] [recipe options; train --recipe NAME --help]";

    /// <summary>Runs the verb.</summary>
    public static int Run(CommandLine line, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(line);
        var args = line.Arguments;
        int at = args.ToList().IndexOf("--recipe");
        if (at < 0 || at + 1 >= args.Count || args[at + 1].StartsWith("--", StringComparison.Ordinal))
            throw new UsageException($"train: --recipe NAME is required; recipes: {string.Join(", ", RecipeRunner.All.Select(r => $"{r.Name} ({r.Summary})"))}.");
        IRecipe recipe;
        try { recipe = RecipeRunner.Get(args[at + 1]); }
        catch (RecipeUsageException e) { throw new UsageException("train: " + e.Message); }
        string[] rest = [.. args.Take(at), .. args.Skip(at + 2)];
        if (rest.Any(a => a is "--help" or "-h"))
        {
            RecipeRunner.WriteUsage(recipe, output);
            return 0;
        }
        try
        {
            RecipeRunner.Run(recipe, rest, output);
            return 0;
        }
        catch (RecipeUsageException e)
        {
            var usage = new StringWriter();
            RecipeRunner.WriteUsage(recipe, usage);
            throw new UsageException($"{e.Message}\n{usage.ToString().TrimEnd()}");
        }
    }
}
