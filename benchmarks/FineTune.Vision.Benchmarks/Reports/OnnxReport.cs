using System.Globalization;
using FineTune.Vision.Deployment;
using FineTune.Vision.Models;
using FineTune.Vision.Weights;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;

namespace FineTune.Vision.Benchmarks.Reports;

/// <summary>
/// <c>onnx</c>: images/s of the library's eval forward (libtorch, no_grad, fp32) against ONNX Runtime's CPU session on the
/// model's <see cref="OnnxExport"/> graph, same input, batch 1 and 32, one process, every core for both: vit_small_patch16_224
/// (random weights) and the shipped QuickStart checkpoint (samples/data/pretrained/vit_fmnist5_tiny.safetensors).
/// </summary>
public static class OnnxReport
{
    /// <summary>Times every (model, batch, runtime) case in alternating rounds; prints and returns the table.</summary>
    /// <param name="warmup">Untimed calls before each timed set.</param>
    /// <param name="repeats">Timed calls per set.</param>
    /// <param name="rounds">Alternating library / ONNX Runtime rounds.</param>
    /// <param name="threads">Threads for both runtimes.</param>
    /// <param name="profile">Also print ONNX Runtime's own profile (milliseconds per operator type) of each case.</param>
    public static ReportSection Run(int warmup, int repeats, int rounds, int threads, bool profile = false)
    {
        torch.set_num_threads(threads);
        var body = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture,
                $"fp32, {threads} threads for libtorch and for ONNX Runtime {OrtEnv.Instance().GetVersionString()} (graph optimisation ORT_ENABLE_ALL); " +
                $"each figure is the median over {rounds} alternating rounds of the median of {repeats} calls after {warmup} warm-up."),
            "",
            "| model | batch | library (libtorch) images/s | ONNX Runtime images/s | ORT ÷ library |",
            "| --- | --- | --- | --- | --- |",
        };
        var ratios = new List<Ratio>();
        string dir = Directory.CreateTempSubdirectory("ftv-onnx-bench-").FullName;
        try
        {
            torch.manual_seed(0);
            using (VisionModel vit = VisionModels.Create("vit_small_patch16_224")) Case(vit, "vit_small_patch16_224 (random weights)");
            string shipped = Path.Combine(PipelineImages.RepoRoot(), "samples", "data", "pretrained", "vit_fmnist5_tiny.safetensors");
            using (VisionModel tiny = VisionModels.Load(shipped)) Case(tiny, "QuickStart's vit_fmnist5_tiny (28x28, 5 classes)");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
        return new ReportSection("ONNX Runtime against the library", Commands.Of($"onnx --warmup {warmup} --repeats {repeats} --rounds {rounds} --threads {threads}"), body) { Ratios = ratios };

        void Case(VisionModel model, string label)
        {
            model.eval();
            string path = Path.Combine(dir, model.Name + ".onnx");
            OnnxExport.Export(model, path);
            using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpNumThreads = threads };
            using var session = new InferenceSession(path, options);
            int size = model.Config.ImgSize;
            foreach (int batch in new[] { 1, 32 })
            {
                using var x = torch.randn(batch, 3, size, size);
                float[] pixels = x.data<float>().ToArray();
                using var input = OrtValue.CreateTensorValueFromMemory(pixels, [batch, 3, size, size]);
                using var run = new RunOptions();
                void Library()
                {
                    using var scope = torch.NewDisposeScope();
                    using var noGrad = torch.no_grad();
                    model.call(x);
                }
                void Ort()
                {
                    using var outputs = session.Run(run, [OnnxExport.InputName], [input], [OnnxExport.OutputName]);
                }
                var lib = new List<double>();
                var ort = new List<double>();
                for (int r = 0; r < rounds; r++)
                {
                    lib.Add(Timing.Measure(Library, warmup, repeats).Median);
                    ort.Add(Timing.Measure(Ort, warmup, repeats).Median);
                }
                if (profile) Profile(path, pixels, [batch, 3, size, size], threads);
                double libRate = batch / TimingResult.Of(lib).Median, ortRate = batch / TimingResult.Of(ort).Median;
                string row = string.Create(CultureInfo.InvariantCulture,
                    $"| {label} | {batch} | {libRate:F1} | {ortRate:F1} | **{ortRate / libRate:F2}x** |");
                Console.WriteLine(row);
                body.Add(row);
                ratios.Add(new Ratio($"onnx/{model.Name}/batch{batch}/ort-over-library", ortRate / libRate, Ratio.HalfRange([.. lib.Zip(ort, (l, o) => l / o)])));
            }
        }
    }

    /// <summary>Prints ONNX Runtime's profile of three calls: kernel milliseconds per call by operator type, largest first.</summary>
    private static void Profile(string path, float[] pixels, long[] shape, int threads)
    {
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpNumThreads = threads,
            ProfileOutputPathPrefix = Path.Combine(Path.GetDirectoryName(path)!, "profile"),    // before EnableProfiling, which reads it
            EnableProfiling = true,
        };
        using var session = new InferenceSession(path, options);
        using var input = OrtValue.CreateTensorValueFromMemory(pixels, shape);
        using var run = new RunOptions();
        for (int i = 0; i < 3; i++)
        {
            using var outputs = session.Run(run, [OnnxExport.InputName], [input], [OnnxExport.OutputName]);
        }
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(session.EndProfiling()));
        var byOp = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var e in doc.RootElement.EnumerateArray())
        {
            if (e.GetProperty("cat").GetString() != "Node" || e.GetProperty("name").GetString()?.EndsWith("_kernel_time", StringComparison.Ordinal) != true) continue;
            string op = e.GetProperty("args").GetProperty("op_name").GetString() ?? "?";
            byOp[op] = byOp.GetValueOrDefault(op) + (e.GetProperty("dur").GetDouble() / 1000.0 / 3);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  ONNX Runtime profile, batch {shape[0]}: ") +
            string.Join(", ", byOp.OrderByDescending(k => k.Value).Select(k => string.Create(CultureInfo.InvariantCulture, $"{k.Key} {k.Value:F1} ms"))));
    }
}
