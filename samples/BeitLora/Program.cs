using FineTune.Vision.Recipes;
using FineTune.Vision.Samples;

// Seed recipe 2: beit_large_patch16_384 + LoRA on q and v, AdamW 5e-5, batch 8 x 8 accumulation, linear warm-up, predictions CSV.
// The recipe itself is samples/Recipes/BeitLoraRecipe.cs (shared with `ftv train --recipe NAME`); see README.md.
return EntryPoint.RunProgram(() => RecipeRunner.Main(new BeitLoraRecipe(), args));
