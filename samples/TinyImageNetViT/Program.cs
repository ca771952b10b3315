using FineTune.Vision.Recipes;
using FineTune.Vision.Samples;

// Seed recipe 1: vit_base_patch16_384 fully fine-tuned on Tiny ImageNet (64->384 bicubic, RandAugment, Mixup/CutMix, SGD, cosine, bf16).
// The recipe itself is samples/Recipes/TinyImageNetVitRecipe.cs (shared with `ftv train --recipe NAME`); see README.md.
return EntryPoint.RunProgram(() => RecipeRunner.Main(new TinyImageNetVitRecipe(), args));
