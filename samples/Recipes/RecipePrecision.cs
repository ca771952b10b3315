using FineTune.Vision.Training;

namespace FineTune.Vision.Recipes;

/// <summary>The <c>--precision</c> option: bf16 (mixed precision on CPU, the default), fp16 (GPU) or fp32.</summary>
public static class RecipePrecision
{
    /// <summary>Reads <c>--precision bf16|fp16|fp32</c> (default bf16).</summary>
    public static TrainingPrecision Parse(RecipeArguments args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return args.Choice("precision", "bf16", "bf16", "fp16", "fp32") switch
        {
            "fp16" => TrainingPrecision.Float16,
            "fp32" => TrainingPrecision.Float32,
            _ => TrainingPrecision.BFloat16,
        };
    }
}
