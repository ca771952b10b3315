using System.Globalization;
using FineTune.Vision.Models;
using TorchSharp;
using static TorchSharp.torch;
using FineTune.Vision.Weights;

namespace FineTune.Vision.Benchmarks.Reports;

/// <summary><c>inference</c>: images/s of vit_small_patch16_224 in eval mode under no_grad, batch 1 and 32, fp32 and bf16 weights.</summary>
public static class InferenceReport
{
    /// <summary>Times every (precision, batch) case; prints and returns the table.</summary>
    public static ReportSection Run(int warmup, int repeats, string arch = "vit_small_patch16_224")
    {
        int threads = Environment.ProcessorCount;
        torch.set_num_threads(threads);
        long macs = ModelFlops.ForwardMacs(arch);
        var body = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture, $"{arch}, eval mode, no_grad, {threads} threads; median of {repeats} calls after {warmup} warm-up."),
            "",
            "| weights | batch | latency (median) | images/s | GFLOP/s |",
            "| --- | --- | --- | --- | --- |",
        };
        torch.manual_seed(0);
        using VisionModel model = VisionModels.Create(arch);
        model.eval();
        foreach (ScalarType dtype in new[] { ScalarType.Float32, ScalarType.BFloat16 })
        {
            model.to(dtype);
            foreach (int batch in new[] { 1, 32 })
            {
                using var x = torch.randn(batch, 3, model.Config.ImgSize, model.Config.ImgSize, dtype: dtype);
                TimingResult time = Timing.Measure(() =>
                {
                    using var scope = torch.NewDisposeScope();   // the model's intermediates too, not only its output
                    using var noGrad = torch.no_grad();
                    model.call(x);
                }, warmup, repeats);
                string row = string.Create(CultureInfo.InvariantCulture,
                    $"| {(dtype == ScalarType.Float32 ? "fp32" : "bf16")} | {batch} | {time.Median * 1000:F1} ms | **{batch / time.Median:F1}** | {2.0 * macs * batch / time.Median / 1e9:F1} |");
                Console.WriteLine(row);
                body.Add(row);
            }
        }
        return new ReportSection("Inference", Commands.Of($"inference --warmup {warmup} --repeats {repeats}"), body);
    }
}
