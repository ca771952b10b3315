using System.Diagnostics;
using FineTune.Vision.Tests.Data;
using FineTune.Vision.Weights;
using Xunit.Abstractions;

namespace FineTune.Vision.Tests.Reliability;

/// <summary>
/// Generated hostile and broken weights files (fixed seeds): every one gives <see cref="WeightsFormatException"/> naming
/// the file (unsafe globals: <see cref="UnsafeCheckpointException"/> naming the global), none hangs, none allocates
/// more tensor memory than the file's size, managed allocation stays proportional to it, and nothing is executed.
/// </summary>
public sealed class WeightsFuzzTests(ITestOutputHelper output)
{
    [Fact]
    public void Hostile_safetensors_files_fail_cleanly() => RunSafeTensors(seed: 1, perCategory: 200);

    [Fact]
    public void Hostile_checkpoints_fail_cleanly_and_execute_nothing() => RunCheckpoints(seed: 1, perCategory: 80, maxOps: 40_000);

    [Fact]
    [Trait("Category", "Long")]
    public void Hostile_safetensors_files_fail_cleanly_long() => RunSafeTensors(seed: 2, perCategory: 2000);

    [Fact]
    [Trait("Category", "Long")]
    public void Hostile_checkpoints_fail_cleanly_and_execute_nothing_long() => RunCheckpoints(seed: 2, perCategory: 600, maxOps: 100_000);

    private void RunSafeTensors(int seed, int perCategory)
    {
        using var dir = new TempDir();
        var cases = SafeTensorsCorpus.Generate(seed, perCategory).ToList();
        var outcomes = FuzzHarness.Run(cases, dir.Path, p => SafeTensors.Load(p));
        outcomes.AddRange(FuzzHarness.Run(cases.Where((_, i) => i % 4 == 0), dir.Path, p => WeightsFile.Load(p)));
        Report(outcomes);
    }

    private void RunCheckpoints(int seed, int perCategory, int maxOps)
    {
        using var dir = new TempDir();
        string marker = Path.Combine(dir.Path, "pwned");
        var cases = PickleCorpus.Generate(seed, perCategory, marker, maxOps).ToList();
        var outcomes = FuzzHarness.Run(cases, dir.Path, p => PyTorchCheckpoint.Load(p));
        outcomes.AddRange(FuzzHarness.Run(cases.Where((_, i) => i % 4 == 0), dir.Path, p => WeightsFile.Load(p)));
        Report(outcomes);
        Assert.False(File.Exists(marker), "a pickle ran a command");
    }

    private void Report(List<FuzzOutcome> outcomes)
    {
        foreach (var group in outcomes.GroupBy(o => string.Join('-', o.Case.Name.Split('-').Take(2))))
        {
            output.WriteLine($"{group.Key}: {group.Count()} cases, {group.Count(o => o.Error is null)} loaded, " +
                $"max {group.Max(o => o.Elapsed.TotalMilliseconds):F1} ms, max managed/file {group.Max(o => (double)o.ManagedBytes / Math.Max(1, o.Case.Bytes.Length)):F1}, " +
                $"max native {group.Max(o => o.NativeBytes)} B");
        }
        output.WriteLine($"total: {outcomes.Count} loads, {outcomes.Sum(o => o.Elapsed.TotalSeconds):F1} s");
        foreach (var o in outcomes) FuzzHarness.Check(o);
    }
}
