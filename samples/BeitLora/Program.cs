using FineTune.Vision.Recipes;

// Seed recipe 2: beit_large_patch16_384 + LoRA on q and v, AdamW 5e-5, batch 8 x 8 accumulation, linear warm-up, predictions CSV.
// The recipe itself is samples/Recipes/BeitLoraRecipe.cs (shared with `FineTune.Vision.Cli train --recipe NAME`); see README.md.
return RecipeRunner.Main(new BeitLoraRecipe(), args);
