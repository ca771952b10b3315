using FineTune.Vision.Core;
using FineTune.Vision.Optim;
using FineTune.Vision.Tests.Training;
using FineTune.Vision.Training;
using FineTune.Vision.Training.Callbacks;

#pragma warning disable CA1050 // A startup hook must be a type named StartupHook in no namespace.

/// <summary>
/// Turns the test assembly into the crash tests' child process: <c>dotnet exec FineTune.Vision.Tests.dll</c> with
/// <c>DOTNET_STARTUP_HOOKS</c> naming this assembly and <c>FTV_CRASH_DIR</c> set runs <see cref="FineTune.Vision.Tests.Reliability.CrashChild"/>
/// before the (empty) generated Main. Without the variable it does nothing.
/// </summary>
internal static class StartupHook
{
    public static void Initialize()
    {
        if (Environment.GetEnvironmentVariable("FTV_DIST_DIR") is { Length: > 0 } distributed)
        {
            // A rank of the distributed tests (Distributed/DistributedChild.cs): an error ends it with code 1, as a program would.
            try { FineTune.Vision.Tests.Distributed.DistributedChild.Run(distributed); }
            catch (Exception e)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                Environment.Exit(1);
            }
            Environment.Exit(0);
        }
        if (Environment.GetEnvironmentVariable("FTV_CRASH_DIR") is not { Length: > 0 } dir) return;
        FineTune.Vision.Tests.Reliability.CrashChild.Run(dir, Environment.GetEnvironmentVariable("FTV_CRASH_MODE") ?? "epoch");
        Environment.Exit(0);
    }
}

namespace FineTune.Vision.Tests.Reliability
{
    /// <summary>
    /// The child's training run: a tiny ViT on Fashion-MNIST with a checkpoint every epoch. At a chosen point it writes
    /// <c>ready</c> into its folder and blocks, so that the parent's SIGKILL lands exactly there: mid-epoch
    /// (<c>epoch</c>), inside the weights write before its rename (<c>write</c>), or between the weights and state files
    /// (<c>state</c>).
    /// </summary>
    internal static class CrashChild
    {
        public const int Epochs = 4;

        public static TrainerOptions Options(params Callback[] callbacks) => Options(null, callbacks);

        public static TrainerOptions Options(string? recovery, params Callback[] callbacks)
        {
            var options = new TrainerOptions
            {
                Epochs = Epochs, Seed = 5, Optimizer = Optimizers.AdamW(2e-3), Schedule = LrSchedules.Cosine(warmupFraction: 0.2),
                RecoveryCheckpoint = recovery,
            };
            foreach (Callback c in callbacks) options.Callbacks.Add(c);
            return options;
        }

        public static FineTune.Vision.Models.VitConfig Config => TrainingFixtures.MicroVit with { DropPathRate = 0.2 };

        public static FineTune.Vision.Data.DataLoader Loader() =>
            TrainingFixtures.Loader(TrainingFixtures.Encode(TrainingFixtures.FashionTrain(96), 8), 16, shuffle: true, seed: 5);

        public static void Run(string dir, string mode)
        {
            using var threads = TrainingFixtures.SingleThread();
            using var model = TrainingFixtures.Model(Config);
            using var loader = Loader();
            using var trainer = new Trainer(model, Options(new ModelCheckpoint(dir, monitor: Metric.TrainLoss, saveBest: false), new Probe(dir, mode)));
            trainer.Fit(loader);
        }

        private static void Block(string dir)
        {
            File.WriteAllText(Path.Combine(dir, "ready"), "ready");
            Thread.Sleep(Timeout.Infinite);
        }

        private sealed class Probe(string dir, string mode) : Callback
        {
            public override void OnEpochStart(TrainingContext context)
            {
                if (context.Epoch != 1 || mode == "epoch") return;
                string suffix = mode == "write" ? ".safetensors" : ".trainstate";
                AtomicFile.BeforeRename = path => { if (path.EndsWith(suffix, StringComparison.Ordinal)) Block(dir); };
            }

            public override void OnBatchEnd(TrainingContext context)
            {
                if (mode == "epoch" && context.Epoch == 1 && context.BatchIndex == 2) Block(dir);
            }
        }
    }
}
