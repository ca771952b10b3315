// samples/YourOwnImages/Program.cs: fine-tunes on a folder of your own images (DIR/<class>/<image>), saves the model as
// one file, reloads that file and classifies an image. Options (--help): Options.cs.
using FineTune.Vision.Data;
using FineTune.Vision.Optim;
using FineTune.Vision.Samples;
using FineTune.Vision.Training;
using FineTune.Vision.Training.Callbacks;
using FineTune.Vision.Transforms;
using FineTune.Vision.Weights;

return EntryPoint.RunProgram(() =>
{
    if (Options.FromCommandLine(args) is not { } o) return 2;
    var (train, val) = ImageFolder.Open(o.Data).StratifiedSplit(0.8, seed: 0);
    using var model = o.Model is null
        ? VisionModels.Load(o.Pretrained!, numClasses: train.ClassNames.Count, seed: 0)   // the shipped pretrained model file
        : VisionModels.Create(o.Model, numClasses: train.ClassNames.Count, pretrained: o.Pretrained, seed: 0);
    using (var trainer = new Trainer(model, new TrainerOptions
    {
        Epochs = o.Epochs, BatchSize = o.BatchSize, Seed = 0, SkipUnreadable = true, Device = o.Device,
        Optimizer = Optimizers.AdamW(1e-3, weightDecay: 0.05), Schedule = LrSchedules.Cosine(warmupFraction: 0.1),
        Callbacks = { new EarlyStopping(Metric.ValTop1, patience: 5), new ProgressDisplay() },
    }))
    {
        FitResult result = trainer.Fit(train.With(Presets.Train(model.PretrainedConfig, o.Augmentation)),
                                       val.With(Presets.Eval(model.PretrainedConfig)));
        Console.WriteLine($"trained: val top-1 {result.LastValidation!.Top1:P1} ({result.StopReason})");
    }
    string path = o.ModelFile;
    model.Save(path);                                   // weights, architecture, class names and preprocessing in one file
    using var reloaded = VisionModels.Load(path);
    using var evaluator = new Trainer(reloaded, new TrainerOptions { SkipUnreadable = true, Device = o.Device });
    Console.WriteLine($"reloaded {path}: val top-1 {evaluator.Evaluate(val.With(Presets.Eval(reloaded.PretrainedConfig))).Top1:P1}");
    ClassScore top = evaluator.Predict([o.PredictImage]).Top(0, 1)[0];
    Console.WriteLine($"prediction: {top.Label} {top.Probability:F3}");
    return 0;
});
