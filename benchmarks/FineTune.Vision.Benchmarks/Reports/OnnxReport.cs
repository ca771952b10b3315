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
    public static ReportSection Run(int warmup, int repeats, int rounds, int threads)
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
        return new ReportSection("ONNX Runtime against the library", Commands.Of($"onnx --warmup {warmup} --repeats {repeats} --rounds {rounds} --threads {threads}"), body);

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
                double libRate = batch / TimingResult.Of(lib).Median, ortRate = batch / TimingResult.Of(ort).Median;
                string row = string.Create(CultureInfo.InvariantCulture,
                    $"| {label} | {batch} | {libRate:F1} | {ortRate:F1} | **{ortRate / libRate:F2}x** |");
                Console.WriteLine(row);
                body.Add(row);
            }
        }
    }
}
