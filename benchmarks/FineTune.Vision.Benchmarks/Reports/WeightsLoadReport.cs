using System.Globalization;
using FineTune.Vision.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Benchmarks.Reports;

/// <summary>
/// <c>weights-load</c>: <see cref="SafeTensors.Load"/> of a generated file (ViT-B-like: many fp32 tensors, about
/// <c>megabytes</c> MB) against reading the same bytes with <see cref="File.ReadAllBytes"/> and with a
/// <see cref="FileStream"/> into a reused buffer. The file is read once before timing, so all three read from the page
/// cache; runs alternate between the three.
/// </summary>
public static class WeightsLoadReport
{
    /// <summary>Generates the file in a temporary folder, times, deletes it; prints and returns the table.</summary>
    public static ReportSection Run(int megabytes, int repeats)
    {
        string folder = Directory.CreateTempSubdirectory("ftv-weights-load-").FullName;
        try
        {
            string path = Path.Combine(folder, "model.safetensors");
            Generate(path, megabytes);
            long bytes = new FileInfo(path).Length;
            var buffer = new byte[bytes];
            var times = new Dictionary<string, List<double>> { ["safetensors"] = [], ["readall"] = [], ["stream"] = [] };
            for (int round = -1; round < repeats; round++)
            {
                Add(times["safetensors"], round, Timing.Measure(() => SafeTensors.Load(path).Dispose(), 0, 1).Best);
                Add(times["readall"], round, Timing.Measure(() => GC.KeepAlive(File.ReadAllBytes(path)), 0, 1).Best);
                Add(times["stream"], round, Timing.Measure(() => ReadInto(path, buffer), 0, 1).Best);
            }
            double Rate(string key) => bytes / TimingResult.Of(times[key]).Median / 1e9;
            double st = Rate("safetensors"), all = Rate("readall"), stream = Rate("stream");
            var body = new List<string>
            {
                string.Create(CultureInfo.InvariantCulture, $"A {bytes / 1e6:F0} MB safetensors file (fp32 tensors), from the page cache; median of {repeats} runs."),
                "",
                "| reader | GB/s | SafeTensors.Load ÷ reader |",
                "| --- | --- | --- |",
                string.Create(CultureInfo.InvariantCulture, $"| SafeTensors.Load (into tensors) | {st:F2} | |"),
                string.Create(CultureInfo.InvariantCulture, $"| File.ReadAllBytes | {all:F2} | **{st / all:F2}x** |"),
                string.Create(CultureInfo.InvariantCulture, $"| FileStream into a reused buffer | {stream:F2} | **{st / stream:F2}x** |"),
            };
            body.Skip(2).ToList().ForEach(Console.WriteLine);
            double[] perRound = [.. times["readall"].Zip(times["safetensors"], (r, t) => r / t)];
            return new ReportSection("Weights: safetensors load throughput", Commands.Of($"weights-load --mb {megabytes} --repeats {repeats}"), body)
            {
                Ratios = [new Ratio("weights-load/safetensors-over-readallbytes", st / all, Ratio.HalfRange(perRound))],
            };
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void Add(List<double> list, int round, double seconds)
    {
        if (round >= 0) list.Add(seconds);
        GC.Collect();   // the next reader starts from a collected heap: no reader pays for another's garbage
        GC.WaitForPendingFinalizers();
    }

    private static void Generate(string path, int megabytes)
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(0);
        var tensors = new List<KeyValuePair<string, Tensor>>();
        long elements = (long)megabytes * 1_000_000 / 4, perBlock = 768L * 768 * 12;   // one ViT-B block is ~7.1M weights
        for (int i = 0; elements > 0; i++)
        {
            long n = Math.Min(perBlock, elements);
            tensors.Add(new($"blocks.{i}.mlp.fc1.weight", torch.randn(n / 768, 768)));
            tensors.Add(new($"blocks.{i}.mlp.fc1.bias", torch.randn(768)));
            elements -= n;
        }
        SafeTensors.Save(path, tensors);
    }

    private static void ReadInto(string path, byte[] buffer)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        int offset = 0, read;
        while ((read = stream.Read(buffer, offset, buffer.Length - offset)) > 0) offset += read;
    }
}
