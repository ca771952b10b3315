using System.Globalization;
using FineTune.Vision.Models;
using TorchSharp;
using static TorchSharp.torch;
using FineTune.Vision.Weights;

namespace FineTune.Vision.Benchmarks.Reports;

/// <summary>
/// <c>step-profile</c>: where the time of a ViT training step goes. The whole step, then forward, backward and the
/// AdamW step apart, then each operation of one encoder block at the model's shapes (forward + backward, timed alone)
/// scaled by the depth, with its share of the step and the GFLOP/s it reaches; attention through
/// <c>scaled_dot_product_attention</c> (what Models/Attention.cs calls) beside the explicit matmul-softmax-matmul.
/// </summary>
public static class StepProfileReport
{
    /// <summary>Profiles <paramref name="arch"/> at <paramref name="batch"/>; prints and returns the table.</summary>
    public static ReportSection Run(string arch, int batch, int threads, int repeats, bool bf16 = false)
    {
        ScalarType dtype = bf16 ? ScalarType.BFloat16 : ScalarType.Float32;
        torch.set_num_threads(threads);
        torch.manual_seed(0);
        var config = (VitConfig)ModelRegistry.GetConfig(arch);
        long tokens = ((long)config.ImgSize / config.PatchSize * (config.ImgSize / config.PatchSize)) + 1;
        long d = config.EmbedDim, h = config.NumHeads, hidden = (long)(d * config.MlpRatio);
        double gemm = GemmRate.MeasureWallAndCpu(1024, dtype).Cpu;
        var body = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture,
                $"{arch}, {(bf16 ? "bf16 with fp32 masters" : "fp32")}, batch {batch}, {threads} threads, median CPU time of {repeats} runs; GEMM {gemm:F1} GFLOP/s by CPU time in that type. Block ops: forward + backward of one block's op alone, × depth {config.Depth}."),
            "",
            "| part | CPU ms | share of step | GFLOP/s | of GEMM |",
            "| --- | --- | --- | --- | --- |",
        };
        double step = Whole(arch, batch, repeats, body, gemm, bf16);
        void Op(string name, double macsPerBlock, Func<Tensor[], Tensor> op, params long[][] shapes)
        {
            double ms = OpCpu(op, shapes, repeats, dtype) * config.Depth * (name.StartsWith("norm1", StringComparison.Ordinal) ? 2 : 1);
            double flops = 6.0 * macsPerBlock * config.Depth * batch;   // forward + backward = 3 × forward
            Add(body, name, ms, step, flops, gemm);
        }
        long bt = batch * tokens;
        Op("norm1 + norm2 (LayerNorm)", 0, x => nn.functional.layer_norm(x[0], [d], x[1], x[2]), [bt, d], [d], [d]);
        Op("qkv linear", tokens * d * 3 * d, x => nn.functional.linear(x[0], x[1], x[2]), [bt, d], [3 * d, d], [3 * d]);
        Op("attention: scaled_dot_product_attention", 2 * tokens * tokens * d,
            x => nn.functional.scaled_dot_product_attention(x[0], x[1], x[2]), [batch, h, tokens, d / h], [batch, h, tokens, d / h], [batch, h, tokens, d / h]);
        Op("attention: matmul, softmax, matmul", 2 * tokens * tokens * d,
            x => (x[0].matmul(x[1].transpose(-2, -1)) * Math.Pow(d / h, -0.5)).softmax(-1).matmul(x[2]), [batch, h, tokens, d / h], [batch, h, tokens, d / h], [batch, h, tokens, d / h]);
        Op("qkv split + head transposes", 0, x => x[0].reshape(batch, tokens, 3, h, d / h).permute(2, 0, 3, 1, 4).unbind(0)[0].transpose(1, 2).reshape(batch, tokens, d), [batch, tokens, 3 * d]);
        Op("proj linear", tokens * d * d, x => nn.functional.linear(x[0], x[1], x[2]), [bt, d], [d, d], [d]);
        Op("fc1 linear", tokens * d * hidden, x => nn.functional.linear(x[0], x[1], x[2]), [bt, d], [hidden, d], [hidden]);
        Op("GELU", 0, x => nn.functional.gelu(x[0]), [bt, hidden]);
        Op("fc2 linear", tokens * hidden * d, x => nn.functional.linear(x[0], x[1], x[2]), [bt, hidden], [d, hidden], [d]);
        Op("residual adds (2)", 0, x => x[0] + x[1] + x[1], [bt, d], [bt, d]);
        body.Skip(4).ToList().ForEach(Console.WriteLine);
        return new ReportSection("Where the time of a ViT training step goes",
            Commands.Of(string.Create(CultureInfo.InvariantCulture, $"step-profile --arch {arch} --batch {batch} --threads {threads} --repeats {repeats}") + (bf16 ? " --bf16" : "")), body);
    }

    private static double Whole(string arch, int batch, int repeats, List<string> body, double gemm, bool bf16)
    {
        torch.manual_seed(0);
        VisionModel model = VisionModels.Create(arch);
        double macs = ModelFlops.ForwardMacs(arch);
        using var step = new TrainingStep(model, batch, bf16);
        double whole = Timing.Measure(step.Run, 1, repeats).CpuMedian * 1000;
        using var x = torch.randn(batch, 3, model.Config.ImgSize, model.Config.ImgSize, dtype: bf16 ? ScalarType.BFloat16 : ScalarType.Float32);
        using var y = torch.randint(0, model.NumClasses, [batch]);
        double forward = Timing.Measure(() =>
        {
            using var scope = torch.NewDisposeScope();
            nn.functional.cross_entropy(model.call(x), y);
        }, 1, repeats).CpuMedian * 1000;
        double both = Timing.Measure(step.ForwardBackward, 1, repeats).CpuMedian * 1000;
        var optimizer = new List<double>();
        for (int i = 0; i < repeats; i++)
        {
            step.ForwardBackward();
            optimizer.Add(Timing.Measure(step.OptimizerStep, 0, 1).CpuMedian * 1000);
        }
        double adamw = TimingResult.Of(optimizer).Median;
        Add(body, "**whole step** (forward, loss, backward, AdamW)", whole, whole, 6 * macs * batch, gemm);
        Add(body, "forward + loss", forward, whole, 2 * macs * batch, gemm);
        Add(body, "zero_grad + backward", both - forward, whole, 4 * macs * batch, gemm);
        Add(body, bf16 ? "AdamW step alone, with the master-weight copies" : "AdamW step alone", adamw, whole, 0, gemm);
        return whole;
    }

    /// <summary>Median CPU milliseconds of the op's forward and backward (making its inputs is not timed).</summary>
    private static double OpCpu(Func<Tensor[], Tensor> op, long[][] shapes, int repeats, ScalarType dtype)
    {
        var cpu = new List<double>();
        for (int i = -1; i < repeats; i++)
        {
            using var scope = torch.NewDisposeScope();
            Tensor[] inputs = [.. shapes.Select(s => torch.randn(s, dtype: dtype).requires_grad_(true))];
            double start = ProcessCpu.Seconds();
            op(inputs).sum().backward();
            if (i >= 0) cpu.Add(ProcessCpu.Seconds() - start);
        }
        return TimingResult.Of(cpu).Median * 1000;
    }

    private static void Add(List<string> body, string name, double ms, double step, double flops, double gemm)
    {
        double rate = flops / (ms / 1000) / 1e9;
        string r = flops > 0 ? rate.ToString("F1", CultureInfo.InvariantCulture) : "", of = flops > 0 ? (rate / gemm).ToString("P0", CultureInfo.InvariantCulture) : "";
        body.Add(string.Create(CultureInfo.InvariantCulture, $"| {name} | {ms:F1} | {ms / step:P1} | {r} | {of} |"));
    }
}
