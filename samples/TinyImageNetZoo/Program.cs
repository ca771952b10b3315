using FineTune.Vision.Recipes;
using FineTune.Vision.Samples;

// Seed recipe 4: ViT-L, CaiT-S36, DeiT-B distilled, Swin-L with a DeiT-style recipe, AdamW vs SGD, ablations, top-1/top-5 table.
// The recipe itself is samples/Recipes/TinyImageNetZooRecipe.cs (shared with `ftv train --recipe NAME`); see README.md.
return EntryPoint.RunProgram(() => RecipeRunner.Main(new TinyImageNetZooRecipe(), args));
