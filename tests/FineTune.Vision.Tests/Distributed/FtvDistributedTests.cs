using System.Diagnostics;
using System.Globalization;
using FineTune.Vision.Tests.Cli;
using FineTune.Vision.Tests.Data;
using FineTune.Vision.Weights;
using static TorchSharp.torch;

namespace FineTune.Vision.Tests.Distributed;

/// <summary>
/// Issue 19 through the tool of issue 18: <c>mpiexec.mpich -n 2 ftv train … --batch-size 8</c> runs data-parallel with no
/// extra flag, writes its model files and logs once (rank 0), and ends with the weights of one <c>ftv train</c> process at
/// <c>--batch-size 16</c> with the same seed, on the default augmentation (RandomResizedCrop, flip, colour jitter) and the
/// default rate (timm's rule over the global batch, 2 × 8) and optimizer (timm's SGD). Not with Adam-type optimizers:
/// the key part of a qkv bias has a gradient that is zero in exact arithmetic (softmax ignores a constant per query),
/// and Adam turns its rounding noise, which differs between a sum over 2 × 8 and over 16 images, into steps of ±lr.
/// </summary>
public sealed class FtvDistributedTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private string[] Train(string data, string output, int batch) =>
    [
        "train", "--model", "vit_tiny_patch16_224", "--img-size", "32", "--model-kwargs", "depth=1", "embed_dim=48",
        "--data", data, "--epochs", "2", "--batch-size", batch.ToString(CultureInfo.InvariantCulture),
        "--warmup-epochs", "0", "--workers", "1", "--seed", "5", "--output", output,
    ];

    [Fact]
    public async Task Two_ranks_at_batch_8_end_with_the_weights_of_one_process_at_16_and_write_once()
    {
        string data = FtvTrainTests.Folder(_dir, "data", 16, 11);   // 32 images: 2 steps per epoch at a global batch of 16
        string distributed = _dir.File("two-ranks"), single = _dir.File("one-process");

        var threads = new Dictionary<string, string> { ["OMP_NUM_THREADS"] = "1" };
        CliRun alone = CliRun.Process("ftv.dll", Train(data, single, 16), threads);
        Assert.True(alone.ExitCode == 0, alone.Output + alone.Error);

        var start = new ProcessStartInfo(DistributedTrainingTests.Mpiexec(), ["-n", "2", "dotnet", "exec", Path.Combine(AppContext.BaseDirectory, "ftv.dll"), .. Train(data, distributed, 8)])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.Environment["OMP_NUM_THREADS"] = "1";
        using var process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync(), error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("mpiexec ftv train did not finish in 5 minutes");
        }
        process.WaitForExit();
        string all = await output + await error;
        Assert.True(process.ExitCode == 0, all);
        Assert.Contains("on each of 2 processes", all);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(all, "^done: ", System.Text.RegularExpressions.RegexOptions.Multiline));
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(all, "^model: ", System.Text.RegularExpressions.RegexOptions.Multiline));   // rank 0 prints

        // Written once: one TensorBoard event file, one CSV with a header and two epochs.
        Assert.Single(Directory.GetFiles(Path.Combine(distributed, "tensorboard"), "events.out.tfevents.*"));
        Assert.Equal(3, File.ReadAllLines(Path.Combine(distributed, "summary.csv")).Length);

        using var expected = SafeTensors.Load(Path.Combine(single, "last.safetensors"));
        using var actual = SafeTensors.Load(Path.Combine(distributed, "last.safetensors"));
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (string key in expected.Keys)
        {
            using var scope = NewDisposeScope();
            double difference = (expected[key].to_type(ScalarType.Float64) - actual[key].to_type(ScalarType.Float64)).abs().max().item<double>();
            Assert.True(difference <= 1e-4, $"{key}: 2 ranks × 8 and 1 process × 16 differ by {difference}");
        }
    }
}
