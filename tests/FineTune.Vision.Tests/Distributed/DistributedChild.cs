using System.Globalization;
using FineTune.Vision.Data;
using FineTune.Vision.Optim;
using FineTune.Vision.Tests.Data;
using FineTune.Vision.Tests.Training;
using FineTune.Vision.Training;
using FineTune.Vision.Training.Callbacks;
using FineTune.Vision.Weights;

namespace FineTune.Vision.Tests.Distributed;

/// <summary>
/// One rank of the distributed tests (the test assembly run by <c>mpiexec.mpich -n 2</c> through its startup hook, see
/// Reliability/CrashChild.cs): a tiny ViT without dropout or drop path trained on 160 Fashion-MNIST images, validated on
/// 48. Training outputs (checkpoint, CSV log) go to <c>DIR/out-rankR</c>, so a rank that wrote anything shows; the
/// harness's own results (final weights, epoch losses, validation) go to <c>DIR/result-rankR.*</c>.
/// </summary>
/// <remarks>
/// Variables: <c>FTV_DIST_DIR</c>, <c>FTV_DIST_BATCH</c> (per rank), <c>FTV_DIST_EPOCHS</c>, <c>FTV_DIST_STOP_AFTER_EPOCHS</c> (stop at that epoch's end, halfway through the schedule), <c>FTV_DIST_RESUME</c> (a
/// checkpoint to resume from), <c>FTV_DIST_KILL_AT_STEP</c> (rank 1 SIGKILLs itself after that step),
/// <c>FTV_DIST_OTHER_CLASSES</c> (rank 1 reads the data with another class list).
/// </remarks>
internal static class DistributedChild
{
    public const int TrainCount = 160, ValidationCount = 48;

    public static TrainerOptions Options(int batchSize, int epochs) => new()
    {
        Epochs = epochs, BatchSize = batchSize, Seed = 7, Workers = 1, Optimizer = Optimizers.AdamW(3e-3), Schedule = LrSchedules.Cosine(warmupFraction: 0.1),
        ClipGradNorm = 1.0,
    };

    public static FineTune.Vision.Models.VitConfig Config => TrainingFixtures.MicroVit with { DropPathRate = 0 };

    public static SampleSource Train(bool otherClasses = false) =>
        TrainingFixtures.Encode(otherClasses ? Renamed() : TrainingFixtures.FashionTrain(TrainCount), 8);

    public static SampleSource Validation() => TrainingFixtures.Encode(TrainingFixtures.FashionTest(ValidationCount), 8);

    private static IImageDataset Renamed()
    {
        var all = IdxDataset.Open(DataFixtures.FashionTrainImages, DataFixtures.FashionTrainLabels, [.. IdxDataset.FashionMnistClasses.Reverse()]);
        return all.Subset(Enumerable.Range(0, TrainCount).Select(i => (int)((long)i * all.Count / TrainCount)));
    }

    public static void Run(string dir)
    {
        int batch = Variable("FTV_DIST_BATCH", 8), epochs = Variable("FTV_DIST_EPOCHS", 2), killAt = Variable("FTV_DIST_KILL_AT_STEP", -1);
        int stopAfter = Variable("FTV_DIST_STOP_AFTER_EPOCHS", -1);
        string? resume = Environment.GetEnvironmentVariable("FTV_DIST_RESUME");
        bool otherClasses = Environment.GetEnvironmentVariable("FTV_DIST_OTHER_CLASSES") == "1";
        using var threads = TrainingFixtures.SingleThread();
        using var model = TrainingFixtures.Model(Config);
        var options = Options(batch, epochs);
        // The launcher's group: the same call every program makes by leaving TrainerOptions.ProcessGroup null.
        int rank = FineTune.Vision.Distributed.ProcessGroup.FromEnvironment().Rank;
        string output = Path.Combine(dir, $"out-rank{rank}");
        options.Callbacks.Add(new ModelCheckpoint(output, monitor: Metric.ValLoss, saveBest: false));
        options.Callbacks.Add(new CsvLogger(Path.Combine(output, "log.csv")));
        if (killAt > 0) options.Callbacks.Add(new KillAt(killAt));
        if (stopAfter > 0) options.Callbacks.Add(new StopAfter(stopAfter));
        var losses = new EpochLosses();
        options.Callbacks.Add(losses);
        using var trainer = new Trainer(model, options);
        if (resume is not null) trainer.LoadCheckpoint(resume);
        FitResult result = trainer.Fit(Train(otherClasses && rank == 1), Validation());
        SafeTensors.Save(Path.Combine(dir, $"result-rank{rank}.safetensors"), FineTune.Vision.Training.ModuleState.Of(model.Module).ToDictionary(e => e.Name, e => e.Value));
        var validation = result.LastValidation!;
        File.WriteAllLines(Path.Combine(dir, $"result-rank{rank}.txt"),
        [
            string.Join(" ", losses.Values.Select(v => v.ToString("R", CultureInfo.InvariantCulture))),
            validation.Loss.ToString("R", CultureInfo.InvariantCulture), validation.Top1.ToString("R", CultureInfo.InvariantCulture),
            trainer.Context.Step.ToString(CultureInfo.InvariantCulture),
        ]);
    }

    private static int Variable(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), CultureInfo.InvariantCulture, out int value) ? value : fallback;

    /// <summary>The training loss of every epoch (reduced over the ranks by the trainer).</summary>
    private sealed class EpochLosses : Callback
    {
        public List<double> Values { get; } = [];

        public override void OnEpochEnd(TrainingContext context) => Values.Add(context.EpochMetrics[Metric.TrainLoss.Name]);
    }

    /// <summary>Stops at the end of an epoch (after the checkpoint), so a run stops halfway through its schedule.</summary>
    private sealed class StopAfter(int epochs) : Callback
    {
        public override void OnEpochEnd(TrainingContext context)
        {
            if (context.Epoch + 1 == epochs) context.StopTraining($"stopped after {epochs} epochs");
        }
    }

    /// <summary>Rank 1 kills itself with SIGKILL after the given optimizer step (no finally blocks, no MPI goodbye).</summary>
    private sealed class KillAt(int step) : Callback
    {
        public override void OnAfterStep(TrainingContext context)
        {
            if (context.ProcessGroup.Rank != 1 || context.Step != step) return;
            Console.Error.WriteLine($"rank 1 (pid {Environment.ProcessId}) kills itself after step {step}");
            using var kill = System.Diagnostics.Process.Start("kill", ["-9", Environment.ProcessId.ToString(CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
            Thread.Sleep(Timeout.Infinite);
        }
    }
}
