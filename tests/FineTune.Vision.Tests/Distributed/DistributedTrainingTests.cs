using System.Diagnostics;
using System.Text.RegularExpressions;
using FineTune.Vision.Distributed;
using FineTune.Vision.Tests.Data;
using FineTune.Vision.Tests.Training;
using FineTune.Vision.Training;
using FineTune.Vision.Training.Callbacks;
using FineTune.Vision.Weights;
using static TorchSharp.torch;

namespace FineTune.Vision.Tests.Distributed;

/// <summary>
/// Two ranks under MPICH's <c>mpiexec.mpich -n 2</c> (the test assembly as the program, <see cref="DistributedChild"/>)
/// against one process in the test: same weights, validation and loss curve at twice the batch, files from rank 0 only,
/// resume, a killed rank, a rank with other data. CI installs MPICH (.ci/run); without it these tests fail.
/// </summary>
public sealed partial class DistributedTrainingTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Two_ranks_at_batch_B_end_with_the_weights_of_one_process_at_2B_and_resume_the_same_curve()
    {
        string first = Path.Combine(_dir.Path, "first"), second = Path.Combine(_dir.Path, "second");
        Launch(first, ("FTV_DIST_BATCH", "8"), ("FTV_DIST_EPOCHS", "4"), ("FTV_DIST_STOP_AFTER_EPOCHS", "2")).AssertSucceeded();
        var (single, singleLosses, singleValidation) = TrainAlone(epochs: 4, stopAfterEpochs: 2);

        // 20 steps (160 images, 2 ranks × 8 = 16 a step, 2 of 4 epochs): the same weights on both ranks and as one process at 16.
        var (rank0Losses, rank0Val, steps) = ReadResult(first, 0);
        Assert.Equal(20, steps);
        foreach (int rank in new[] { 0, 1 }) AssertSameWeights(single, Path.Combine(first, $"result-rank{rank}.safetensors"), 1e-5);
        AssertClose(singleLosses.Take(2), rank0Losses, 1e-5, "epoch training loss");
        Assert.Equal(singleValidation.Top1, rank0Val.Top1);
        Assert.True(Math.Abs(singleValidation.Loss - rank0Val.Loss) <= 1e-5, $"validation loss {rank0Val.Loss} vs {singleValidation.Loss}");
        Assert.Equal(ReadResult(first, 1), (rank0Losses, rank0Val, steps), ResultComparer.Instance);

        // Only rank 0 wrote training outputs.
        Assert.True(File.Exists(Path.Combine(first, "out-rank0", "last.safetensors")));
        Assert.Equal(3, File.ReadAllLines(Path.Combine(first, "out-rank0", "log.csv")).Length); // header + 2 epochs
        Assert.False(Directory.Exists(Path.Combine(first, "out-rank1")), "rank 1 wrote training outputs");

        // Resuming both ranks from rank 0's checkpoint continues the single process's curve for epochs 3 and 4.
        Launch(second, ("FTV_DIST_BATCH", "8"), ("FTV_DIST_EPOCHS", "4"), ("FTV_DIST_RESUME", Path.Combine(first, "out-rank0", "last.safetensors"))).AssertSucceeded();
        var (resumedLosses, _, resumedSteps) = ReadResult(second, 0);
        Assert.Equal(40, resumedSteps);
        AssertClose(singleLosses.Skip(2), resumedLosses, 1e-5, "resumed epoch training loss");
    }

    [Fact]
    public void A_killed_rank_stops_the_run_within_a_minute_naming_its_process_and_the_last_checkpoint_stays()
    {
        // Rank 1 dies by SIGKILL after step 13 (epoch 1; epoch 0's checkpoint is written after step 10).
        var clock = Stopwatch.StartNew();
        Run run = Launch(_dir.Path, ("FTV_DIST_BATCH", "8"), ("FTV_DIST_EPOCHS", "2"), ("FTV_DIST_KILL_AT_STEP", "13"));
        TimeSpan afterKill = clock.Elapsed - run.StartedToKill;
        Assert.NotEqual(0, run.ExitCode);
        Assert.True(afterKill < TimeSpan.FromSeconds(60), $"the run took {afterKill} after the kill");
        // Rank 0 printed the rank → pid map at start; the launcher names the pid that died: together they name rank 1.
        Match map = RankPid().Match(run.Output);
        Assert.True(map.Success, "no rank map in:\n" + run.Output);
        string pid = map.Groups[1].Value;
        Assert.Matches($@"BAD TERMINATION[\s\S]*PID {pid} RUNNING AT", run.Output);
        Assert.Contains($"rank 1 (pid {pid}) kills itself after step 13", run.Output);
        // The checkpoint of epoch 0 is complete and loads.
        string last = Path.Combine(_dir.Path, "out-rank0", "last.safetensors");
        var (_, metadata) = SafeTensors.ReadHeader(last);
        Assert.Equal("1", metadata["epoch"]);
        using var model = TrainingFixtures.Model(DistributedChild.Config);
        using var trainer = new Trainer(model, DistributedChild.Options(8, 2) with { ProcessGroup = ProcessGroup.Single });
        trainer.LoadCheckpoint(last);
        Assert.Equal(10, trainer.Context.Step);
    }

    [Fact]
    public void A_rank_whose_data_has_another_class_list_is_refused_at_start_on_every_rank()
    {
        Run run = Launch(_dir.Path, ("FTV_DIST_OTHER_CLASSES", "1"));
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("The ranks disagree on the data: rank(s) 1 of 2 differ from rank 0", run.Output);
        Assert.False(File.Exists(Path.Combine(_dir.Path, "out-rank0", "last.safetensors")));
    }

    /// <summary>One process at batch 16 (twice the ranks' 8), run in the test; the weights after <paramref name="stopAfterEpochs"/> epochs are copied.</summary>
    private static (Dictionary<string, Tensor> Weights, List<double> EpochLosses, EvaluationResult Validation) TrainAlone(int epochs, int stopAfterEpochs)
    {
        using var threads = TrainingFixtures.SingleThread();
        using var model = TrainingFixtures.Model(DistributedChild.Config);
        var snapshot = new SnapshotAt(stopAfterEpochs);
        var options = DistributedChild.Options(16, epochs) with { ProcessGroup = ProcessGroup.Single };
        options.Callbacks.Add(snapshot);
        using var trainer = new Trainer(model, options);
        trainer.Fit(DistributedChild.Train(), DistributedChild.Validation());
        return (snapshot.Weights!, snapshot.Losses, snapshot.Validation!);
    }

    private sealed class SnapshotAt(int epochs) : Callback
    {
        public Dictionary<string, Tensor>? Weights { get; private set; }
        public List<double> Losses { get; } = [];
        public EvaluationResult? Validation { get; private set; }

        public override void OnEpochEnd(TrainingContext context)
        {
            Losses.Add(context.EpochMetrics[Metric.TrainLoss.Name]);
            if (context.Epoch + 1 != epochs) return;
            Weights = ModuleState.Of(context.Model.Module).ToDictionary(e => e.Name, e => e.Value.detach().clone().DetachFromDisposeScope());
            Validation = context.EpochValidation;
        }
    }

    private static void AssertSameWeights(Dictionary<string, Tensor> expected, string path, double tolerance)
    {
        using StateDict actual = SafeTensors.Load(path);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, value) in expected)
        {
            double diff = (actual[name] - value).abs().max().item<float>();
            Assert.True(diff <= tolerance, $"{name} differs by {diff} in {path}");
        }
    }

    private static void AssertClose(IEnumerable<double> expected, IReadOnlyList<double> actual, double tolerance, string what)
    {
        double[] e = [.. expected];
        Assert.Equal(e.Length, actual.Count);
        for (int i = 0; i < e.Length; i++) Assert.True(Math.Abs(e[i] - actual[i]) <= tolerance, $"{what} {i}: {actual[i]} vs {e[i]}");
    }

    private static (List<double> Losses, (double Loss, double Top1) Validation, long Steps) ReadResult(string dir, int rank)
    {
        string[] lines = File.ReadAllLines(Path.Combine(dir, $"result-rank{rank}.txt"));
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        return ([.. lines[0].Split(' ').Select(v => double.Parse(v, inv))], (double.Parse(lines[1], inv), double.Parse(lines[2], inv)), long.Parse(lines[3], inv));
    }

    private sealed class ResultComparer : IEqualityComparer<(List<double>, (double, double), long)>
    {
        public static readonly ResultComparer Instance = new();
        public bool Equals((List<double>, (double, double), long) x, (List<double>, (double, double), long) y) =>
            x.Item1.SequenceEqual(y.Item1) && x.Item2 == y.Item2 && x.Item3 == y.Item3;
        public int GetHashCode((List<double>, (double, double), long) obj) => obj.Item3.GetHashCode();
    }

    private sealed record Run(int ExitCode, string Output, TimeSpan StartedToKill)
    {
        public void AssertSucceeded() => Assert.True(ExitCode == 0, $"mpiexec exited with {ExitCode}:\n{Output}");
    }

    /// <summary>Runs the test assembly as 2 ranks under <c>mpiexec.mpich</c> with the child's variables; output is stdout and stderr.</summary>
    private static Run Launch(string dir, params (string Name, string Value)[] variables)
    {
        Directory.CreateDirectory(dir);
        string dll = typeof(DistributedChild).Assembly.Location;
        var start = new ProcessStartInfo(Mpiexec(), ["-n", "2", "dotnet", "exec", dll]) { RedirectStandardError = true, RedirectStandardOutput = true };
        start.Environment["DOTNET_STARTUP_HOOKS"] = dll;
        start.Environment["FTV_DIST_DIR"] = dir;
        foreach (var (name, value) in variables) start.Environment[name] = value;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        TimeSpan killed = TimeSpan.Zero;
        void Line(string? line)
        {
            if (line is null) return;
            lock (output)
            {
                if (line.Contains("kills itself", StringComparison.Ordinal)) killed = clock.Elapsed;
                output.AppendLine(line);
            }
        }
        process.OutputDataReceived += (_, e) => Line(e.Data);
        process.ErrorDataReceived += (_, e) => Line(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(Limit))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"mpiexec did not finish in {Limit}:\n{output}");
        }
        process.WaitForExit();
        lock (output) return new Run(process.ExitCode, output.ToString(), killed);
    }

    internal static string Mpiexec()
    {
        foreach (string folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
            if (File.Exists(Path.Combine(folder, "mpiexec.mpich"))) return Path.Combine(folder, "mpiexec.mpich");
        Assert.Fail("mpiexec.mpich is not installed: apt-get install -y mpich (.ci/run does it).");
        return "";
    }

    [GeneratedRegex(@"rank 1 pid (\d+) on ")]
    private static partial Regex RankPid();
}
