using FineTune.Vision.Cli;
using FineTune.Vision.Data;
using FineTune.Vision.Imaging;
using FineTune.Vision.Optim;
using FineTune.Vision.Optim.Schedules;
using FineTune.Vision.Recipes;
using FineTune.Vision.Tests.Data;
using FineTune.Vision.Tests.Training;
using FineTune.Vision.Training;
using FineTune.Vision.Transforms;
using FineTune.Vision.Weights;

namespace FineTune.Vision.Tests.Cli;

/// <summary>
/// Issue 18: the <c>ftv</c> tool's verbs on System.CommandLine and its generic, timm-named <c>train</c>: help on every
/// verb, option → library mapping, timm's args.yaml, a two-step run writing the one-file models and logs, Ctrl+C's
/// recovery checkpoint and <c>--resume</c>, and option mistakes named with exit code 2.
/// </summary>
public sealed class FtvTrainTests : IDisposable
{
    private static readonly string TimmArgs = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Cli", "timm_args.yaml");
    private readonly IDisposable _threads = TrainingFixtures.SingleThread();
    private readonly TempDir _dir = new();

    /// <summary>Restores the thread count and deletes the outputs.</summary>
    public void Dispose()
    {
        _threads.Dispose();
        _dir.Dispose();
    }

    /// <summary>Two classes of flat-coloured 24×24 PNGs (red-ish and blue-ish, with noise), <paramref name="perClass"/> each.</summary>
    private string Folder(string name, int perClass, int seed) => Folder(_dir, name, perClass, seed);

    /// <summary>The same folder under <paramref name="dir"/> (also for the distributed <c>ftv train</c> test).</summary>
    internal static string Folder(TempDir dir, string name, int perClass, int seed)
    {
        var rng = new Random(seed);
        foreach (var (cls, tint) in new[] { ("red", (200, 40, 40)), ("blue", (40, 40, 200)) })
        {
            string folder = dir.File(name, cls);
            Directory.CreateDirectory(folder);
            for (int i = 0; i < perClass; i++)
            {
                using var image = new RgbImage(24, 24);
                Span<byte> px = image.Pixels;
                for (int p = 0; p < px.Length; p += 3)
                {
                    px[p] = (byte)Math.Clamp(tint.Item1 + rng.Next(-30, 30), 0, 255);
                    px[p + 1] = (byte)Math.Clamp(tint.Item2 + rng.Next(-30, 30), 0, 255);
                    px[p + 2] = (byte)Math.Clamp(tint.Item3 + rng.Next(-30, 30), 0, 255);
                }
                ImageEncoder.Save(image, Path.Combine(folder, $"{i:D3}.png"));
            }
        }
        return dir.File(name);
    }

    /// <summary>A tiny ViT on 8 training images in batches of 4: two optimizer steps per epoch.</summary>
    private string[] TinyRun(string output, int epochs = 1) =>
    [
        "train", "--model", "vit_tiny_patch16_224", "--img-size", "32", "--model-kwargs", "depth=1", "embed_dim=48",
        "--data", Folder("train", 4, 1), "--val-data", Folder("val", 2, 2), "--epochs", epochs.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--batch-size", "4", "--opt", "adamw", "--lr", "1e-3", "--warmup-epochs", "0", "--workers", "1", "--seed", "3", "--output", output,
    ];

    [Fact]
    public void Every_verb_has_help()
    {
        Assert.Equal(["augment-preview", "evaluate", "export", "inspect", "logits", "lr-find", "predict", "schedule", "train"], CliApp.VerbNames);
        foreach (string verb in CliApp.VerbNames)
        {
            CliRun run = CliRun.InProcess(verb, "--help");
            Assert.True(run.ExitCode == 0, $"{verb} --help: exit {run.ExitCode}\n{run.Error}");
            Assert.Contains($" {verb} [options]", run.Output);   // "ftv train [options]" (the root is named after the executable)
            Assert.Contains("--", run.Output);
        }
        CliRun train = CliRun.InProcess("train", "--help");
        foreach (TrainVerb.Field field in TrainVerb.Fields) Assert.Contains(field.Option.Name, train.Output);
        Assert.Equal(0, CliRun.InProcess("--help").ExitCode);
        CliRun recipe = CliRun.InProcess("train", "--recipe", "beit-lora", "--help");           // the recipe's own options
        Assert.Equal(0, recipe.ExitCode);
        Assert.Contains("--accumulation", recipe.Output);
        Assert.Equal(2, CliRun.InProcess().ExitCode);
    }

    [Fact]
    public void Docs_cli_md_lists_every_verb_and_every_train_option()
    {
        string doc = File.ReadAllText(Path.Combine(ArchitectureTests.RepoRoot(), "docs", "cli.md"));
        foreach (string verb in CliApp.VerbNames) Assert.Contains($"| `{verb}` |", doc);
        foreach (TrainVerb.Field field in TrainVerb.Fields) Assert.Contains($"| `{field.Option.Name}` | `", doc);
    }

    [Fact]
    public void Timm_options_map_onto_the_trainer_options()
    {
        TrainSettings s = TrainVerb.Settings(
        [
            "--model", "vit_small_patch16_224", "--model-kwargs", "depth=4", "num_heads=3", "--epochs", "7", "--batch-size", "24", "--opt", "adamw",
            "--lr", "5e-4", "--weight-decay", "0.05", "--sched", "cosine", "--warmup-epochs", "2", "--warmup-lr", "1e-6", "--min-lr", "1e-5",
            "--aa", "rand-m9-mstd0.5-inc1", "--reprob", "0.25", "--mixup", "0.8", "--cutmix", "1.0", "--mixup-switch-prob", "0.3", "--smoothing", "0.2",
            "--model-ema", "--model-ema-decay", "0.999", "--amp", "--amp-dtype", "bfloat16", "--grad-accum-steps", "3", "--clip-grad", "0.02",
            "--clip-mode", "agc", "--layer-decay", "0.75", "--aug-repeats", "3", "--seed", "9", "--workers", "2",
        ], TextWriter.Null);
        Assert.Equal("vit_small_patch16_224", s.Model);
        Assert.Equal(new Dictionary<string, string> { ["depth"] = "4", ["num_heads"] = "3" }, s.ModelKwargs);

        TrainerOptions o = TrainSetup.TrainerOptions(s, classes: 10);
        Assert.Equal((7, 24, 3, 9L, 2), (o.Epochs, o.BatchSize, o.GradientAccumulation, o.Seed, o.Workers));
        Assert.Equal(OptimizerKind.AdamW, o.Optimizer.Kind);
        Assert.Equal((5e-4, 0.05), (o.Optimizer.Lr, o.Optimizer.WeightDecay));
        Assert.Equal((null, null, 0.02), (o.ClipGradNorm, o.ClipGradValue, o.ClipGradAgc));
        Assert.Equal(TrainingPrecision.BFloat16, o.Precision);
        Assert.Equal(0.999, o.Ema!.Decay);
        Assert.Equal(3, Assert.IsType<RepeatAugSampler>(o.Sampler).Repeats);
        Assert.NotNull(o.ParameterGroups);
        Assert.Equal(0.2, o.LabelSmoothing);
        var mixing = Assert.IsType<FineTune.Vision.Transforms.MixupCutMix>(o.Mixing);
        Assert.Equal((0.8, 1.0, 0.3, 0.2, 10), (mixing.Options.MixupAlpha, mixing.Options.CutMixAlpha, mixing.Options.SwitchProbability, mixing.Options.LabelSmoothing, mixing.Options.NumClasses));
        Assert.Null(o.Sam);

        // timm's CosineLRScheduler per epoch (10 steps each here): warm-up from 1e-6 over 2 epochs, then cosine to 1e-5.
        ScheduleCurve curve = ScheduleCurve.Evaluate(o.Schedule(5e-4, 70), 70);
        Assert.Equal(1e-6, curve.Lr[0], 12);
        Assert.Equal(curve.Lr[0], curve.Lr[9]);                                  // constant within an epoch
        Assert.Equal(1e-6 + (5e-4 - 1e-6) / 2, curve.Lr[10], 12);
        Assert.True(curve.Lr[^1] >= 1e-5 && curve.Lr[^1] < 1e-4, $"last rate {curve.Lr[^1]}");

        Assert.Equal(OptimizerKind.Sgd, TrainSetup.Optimizer(s with { Opt = "sgd", Lr = 0.1 }).Kind);
        Assert.True(TrainSetup.Optimizer(s with { Opt = "sgd", Lr = 0.1 }).Nesterov);              // timm's sgd is Nesterov
        Assert.NotNull(TrainSetup.Optimizer(s with { Opt = "lookahead_adamw" }).Lookahead);
        Assert.NotNull(TrainSetup.TrainerOptions(s with { Opt = "sam", Amp = false }, 10).Sam);
        Assert.Equal(OptimizerKind.Lamb, TrainSetup.Optimizer(s with { Opt = "lamb" }).Kind);
        Assert.Equal(OptimizerKind.Lars, TrainSetup.Optimizer(s with { Opt = "lars" }).Kind);
        Assert.Equal(OptimizerKind.Lion, TrainSetup.Optimizer(s with { Opt = "lion" }).Kind);
        // timm's rule without --lr: lr_base 0.1 × batch 24 × accumulation 3 / 256, square-rooted for adaptive optimizers.
        Assert.Equal(0.1 * Math.Sqrt(72.0 / 256), TrainSetup.Lr(s with { Lr = null }), 12);
        Assert.Equal(0.1 * 72.0 / 256, TrainSetup.Lr(s with { Lr = null, Opt = "sgd" }), 12);
    }

    [Fact]
    public void A_timm_args_yaml_is_read_and_its_unsupported_keys_are_named()
    {
        var log = new StringWriter();
        TrainSettings s = TrainVerb.Settings(["--config", TimmArgs, "--epochs", "1"], log);
        Assert.Equal("vit_tiny_patch16_224", s.Model);
        Assert.Equal(new Dictionary<string, string> { ["depth"] = "2", ["embed_dim"] = "48" }, s.ModelKwargs);
        Assert.Equal(("/data/imagenette", 10, 32, 16), (s.Data, s.NumClasses, s.ImgSize, s.BatchSize));
        Assert.Equal(1, s.Epochs);                                                                // the command line wins
        Assert.Equal(("adamw", 5e-4, 0.05, 0.9, "cosine"), (s.Opt, s.Lr, s.WeightDecay, s.Momentum, s.Sched));
        Assert.Equal((1, 1e-6, 1e-5), (s.WarmupEpochs, s.WarmupLr, s.MinLr));
        Assert.Equal(("rand-m9-mstd0.5-inc1", 0.25, "pixel", 1), (s.Aa, s.Reprob, s.Remode, s.Recount));
        Assert.Equal((0.8, 1.0, 1.0, 0.5, 0.1), (s.Mixup, s.Cutmix, s.MixupProb, s.MixupSwitchProb, s.Smoothing));
        Assert.Equal((0.1, true, 0.999), (s.DropPath, s.ModelEma, s.ModelEmaDecay));
        Assert.Equal((1.0, "norm", 0.75), (s.ClipGrad, s.ClipMode, s.LayerDecay));
        Assert.Equal((7, 2, "/tmp/timm-out"), (s.Seed, s.Workers, s.Output));
        Assert.Equal([0.08, 1.0], s.Scale);
        Assert.Equal([90, 180, 270], s.DecayMilestones);
        Assert.Null(s.Device);                                                                    // timm's default 'cuda': ftv's default instead
        Assert.False(s.Amp);

        string line = log.ToString().Split('\n').Single(l => l.Contains("ignored", StringComparison.Ordinal));
        string ignored = line[(line.IndexOf("ignored (not supported by ftv train): ", StringComparison.Ordinal) + 38)..];
        var names = ignored.Trim().Split(", ");
        Assert.Contains("channels_last", names);
        Assert.Contains("experiment", names);
        Assert.Contains("kd_model_name", names);
        foreach (TrainVerb.Field field in TrainVerb.Fields.Where(f => f.Key != "val_split")) Assert.DoesNotContain(field.Key, names);
        Assert.DoesNotContain("device", names);
        Assert.Contains("val_split", names);                                                      // a split name in timm, a fraction in ftv
        Assert.Null(s.ValSplit);
        // Every key of the file is either read or named.
        var keys = File.ReadAllLines(TimmArgs).Where(l => l.Length > 0 && char.IsLetter(l[0])).Select(l => l[..l.IndexOf(':', StringComparison.Ordinal)]).ToList();
        var read = TrainVerb.Fields.Select(f => f.Key).Append("device").Append("data_dir").Where(k => k != "val_split").ToHashSet();
        Assert.Equal(keys.Where(k => !read.Contains(k)).Order(StringComparer.Ordinal), names);
    }

    [Fact]
    public void Jsd_loss_trains_on_augmix_splits_as_timm_does()
    {
        // timm: --jsd-loss --aug-splits 3 --aa augmix-m3-w3 gives AugMixDataset's split batches [clean; aug 1; aug 2].
        TrainSettings s = TrainVerb.Settings(["--jsd-loss", "--aug-splits", "3", "--aa", "augmix-m3-w3"], TextWriter.Null);
        var encoder = Assert.IsType<SplitSampleEncoder>(TrainSetup.TrainEncoder(s, 32, Normalization.ImageNet));
        Assert.Equal(3, encoder.Splits);
        Assert.IsType<FineTune.Vision.Training.Losses.JsdCrossEntropy>(TrainSetup.Loss(s));
        // --smoothing (timm default 0.1) goes into the loss these options build, never beside it as well.
        foreach (string[] loss in new[] { new[] { "--jsd-loss", "--aug-splits", "3" }, ["--bce-loss"] })
        {
            TrainerOptions options = TrainSetup.TrainerOptions(TrainVerb.Settings(loss, TextWriter.Null), classes: 2);
            Assert.Equal(0, options.LabelSmoothing);
            options.Validate();
        }

        string output = _dir.File("jsd");
        CliRun run = CliRun.InProcess([.. TinyRun(output), "--jsd-loss", "--aug-splits", "3", "--aa", "augmix-m3-w3"]);
        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.Contains("2 steps", run.Output);
        Assert.Matches(@"train_loss \d", run.Output);
    }

    [Fact]
    public void A_two_step_run_writes_the_one_file_models_the_csv_and_tensorboard()
    {
        string output = _dir.File("out");
        CliRun run = CliRun.InProcess(TinyRun(output));
        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.Contains("2 steps", run.Output);
        foreach (string file in new[] { "last.safetensors", "best.safetensors", "summary.csv", Path.Combine("checkpoints", "last.safetensors") })
            Assert.True(File.Exists(Path.Combine(output, file)), $"{file} missing:\n{run.Output}");
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(output, "tensorboard"), "events.out.tfevents.*"));
        Assert.Equal(2, File.ReadAllLines(Path.Combine(output, "summary.csv")).Length);          // header + one epoch
        ModelFileInfo info = ModelFile.ReadInfo(Path.Combine(output, "last.safetensors"));
        Assert.Equal(("vit_tiny_patch16_224", 2, 32), (info.Architecture, info.Config.NumClasses, info.Config.ImgSize));
        Assert.Equal(["blue", "red"], info.ClassNames);
        using var model = VisionModels.Load(Path.Combine(output, "best.safetensors"));
        Assert.Equal(2, model.NumClasses);
    }

    private sealed class CancelAfter(long steps, CancellationTokenSource source) : Callback
    {
        public override void OnAfterStep(TrainingContext context)
        {
            if (context.Step == steps) source.Cancel();
        }
    }

    [Fact]
    public void Cancelling_saves_a_recovery_checkpoint_that_resume_continues_as_if_uninterrupted()
    {
        string[] args = TinyRun(_dir.File("unused"), epochs: 2);
        TrainSettings settings = TrainVerb.Settings(args[1..], TextWriter.Null);

        GenericTrainingResult whole = GenericTraining.Run(settings with { Output = _dir.File("whole") }, TextWriter.Null);
        Assert.Equal(4, whole.Fit.Steps);

        using var cancellation = new CancellationTokenSource();
        var cut = settings with { Output = _dir.File("cut") };
        GenericTrainingResult stopped = GenericTraining.Run(cut, TextWriter.Null, cancellation.Token, [new CancelAfter(3, cancellation)]);
        Assert.Equal(StopKind.Cancelled, stopped.Fit.StopReason.Kind);
        Assert.Equal(3, stopped.Fit.Steps);                                                          // stopped after the current step
        Assert.Equal(Path.Combine(cut.Output, "checkpoints", "recovery.safetensors"), stopped.Checkpoint);
        Assert.True(File.Exists(stopped.Checkpoint) && File.Exists(Trainer.StatePathFor(stopped.Checkpoint)));

        GenericTrainingResult resumed = GenericTraining.Run(cut with { Resume = stopped.Checkpoint }, TextWriter.Null);
        Assert.Equal(StopKind.Completed, resumed.Fit.StopReason.Kind);
        Assert.Equal(4, resumed.Fit.Steps);
        Assert.Equal(2, resumed.Fit.History.Count);
        Assert.Equal(whole.Fit.History[^1].TrainLoss, resumed.Fit.History[^1].TrainLoss, 5);
        Assert.Equal(whole.Fit.History[^1].ValTop1, resumed.Fit.History[^1].ValTop1);
    }

    [Fact]
    public void The_command_line_maps_a_cancelled_token_to_exit_code_130_and_resume_continues()
    {
        string output = _dir.File("ctrl-c");
        string[] args = TinyRun(output);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var error = new StringWriter();
        int code = CliApp.Run(args, TextWriter.Null, error, cancelled.Token);
        Assert.Equal(130, code);
        Assert.Contains("cancelled.", error.ToString());
        string recovery = Path.Combine(output, "checkpoints", "recovery.safetensors");
        Assert.True(File.Exists(recovery));

        CliRun resumed = CliRun.InProcess([.. args, "--resume", recovery]);
        Assert.True(resumed.ExitCode == 0, resumed.Output + resumed.Error);
        Assert.Contains("resumed from", resumed.Output);
        Assert.Contains("2 steps", resumed.Output);
    }

    [Fact]
    public void Bad_option_values_are_named_with_exit_code_2()
    {
        string data = Folder("bad", 2, 4);
        foreach (var (args, option) in new (string[], string)[]
        {
            (["train", "--epochs", "abc", "--data", data], "--epochs"),
            (["train", "--opt", "adamx", "--data", data], "--opt"),
            (["train", "--sched", "tanh", "--data", data], "--sched"),
            (["train", "--clip-grad", "1", "--clip-mode", "l3", "--data", data], "--clip-mode"),
            (["train", "--lr", "-1", "--data", data], "--lr"),
            (["train", "--reprob", "1.5", "--data", data], "--reprob"),
            (["train", "--amp", "--amp-dtype", "float8", "--data", data], "--amp-dtype"),
            (["train", "--aa", "rand-q9", "--model", "vit_tiny_patch16_224", "--data", data], "--aa"),
            (["train", "--model", "vit_tiny_patch16_224", "--model-kwargs", "depth", "--data", data], "--model-kwargs"),
            (["train", "--model", "vit_bse", "--data", data], "--model"),
            (["train", "--data", _dir.File("nowhere")], "--data"),
            (["train", "--bogus", "--data", data], "--bogus"),
            (["train", "--config", _dir.File("missing.yaml")], "--config"),
        })
        {
            CliRun run = CliRun.InProcess(args);
            string? problem = run.Problem(option == "--config" ? 1 : 2);
            Assert.True(problem is null, problem);
            Assert.Contains(option, run.Error);
        }
    }
}
