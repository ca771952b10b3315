using FineTune.Vision.Recipes;

// Seed recipe 3: concat-pool head, LR range test, SGDR or cyclical LR, last-N-block unfreezing with discriminative rates.
// The recipe itself is samples/Recipes/TransferTricksRecipe.cs (shared with `FineTune.Vision.Cli train --recipe NAME`); see README.md.
return RecipeRunner.Main(new TransferTricksRecipe(), args);
