using FineTune.Vision.Recipes;
using FineTune.Vision.Samples;

// Seed recipe 3: concat-pool head, LR range test, SGDR or cyclical LR, last-N-block unfreezing with discriminative rates.
// The recipe itself is samples/Recipes/TransferTricksRecipe.cs (shared with `ftv train --recipe NAME`); see README.md.
return EntryPoint.RunProgram(() => RecipeRunner.Main(new TransferTricksRecipe(), args));
