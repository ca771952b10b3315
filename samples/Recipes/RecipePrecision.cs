using FineTune.Vision.Training;

namespace FineTune.Vision.Recipes;

/// <summary>The <c>--precision</c> option: bf16 (mixed precision on CPU), fp16 (GPU) or fp32.</summary>
public static class RecipePrecision
{
    /// <summary>Reads <c>--precision bf16|fp16|fp32</c> (default <paramref name="fallback"/>).</summary>
    public static TrainingPrecision Parse(RecipeArguments args, string fallback = "bf16")
    {
        ArgumentNullException.ThrowIfNull(args);
        return args.Choice("precision", fallback, "bf16", "fp16", "fp32") switch
        {
            "fp16" => TrainingPrecision.Float16,
            "fp32" => TrainingPrecision.Float32,
            _ => TrainingPrecision.BFloat16,
        };
    }
}
