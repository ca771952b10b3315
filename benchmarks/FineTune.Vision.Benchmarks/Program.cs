using BenchmarkDotNet.Running;
using FineTune.Vision.Benchmarks;
using FineTune.Vision.Benchmarks.Reports;
using FineTune.Vision.Core;
using TorchSharp;

// BenchmarkDotNet:   dotnet run -c Release --project benchmarks/FineTune.Vision.Benchmarks -- --filter '*Gemm*'
// Ratio reports:     dotnet run -c Release --project benchmarks/FineTune.Vision.Benchmarks -- <report> [--option value ...] [--json FILE]
//                    (--json adds the report's headline ratios to FILE, for regression-check)
//   flops                                         counted forward GMACs against timm's published figures
//   gemm-rate                                     fp32 and bf16 GEMM ceiling, 1 thread and every core
//   mfu [--batch 16 --warmup 1 --repeats 5 --runs 1 --threads <cores> --no-bf16 --only vit_small --bf16-skip <families>]   training-step MFU per architecture (median over runs)
//   overhead [--steps 20 --rounds 6 --workers 1 --threads <cores> --only ViT]  Trainer.Fit against a hand-written loop
//   pipeline-ratio [N]                            input pipeline against torchvision + Pillow
//   decoders [--images 200 --rounds 7]            SkiaSharp against ImageSharp: decode and recipe-1 pipeline per format
//   weights-load [--mb 200 --repeats 5]           SafeTensors.Load against a plain file read
//   inference [--warmup 2 --repeats 10]           vit_small_patch16_224 images/s, batch 1 and 32, fp32 and bf16
//   lora-vs-full [--repeats 10]                   LoRA ÷ full: peak RSS and step time
//   onnx [--warmup 2 --repeats 10 --rounds 3 --threads <cores> --profile]   library eval forward against ONNX Runtime, images/s, batch 1 and 32
//   optimizer-step [--repeats 5 --rounds 3 --threads <cores>]   one AdamW step over ViT-S: TorchSharp's against the library's fused one
//   step-profile [--arch vit_small_patch16_224 --batch 8 --threads <cores> --repeats 5 --bf16]   where a ViT step's time goes
//   all [the options above] [--runs 3] [--json FILE]   every report, then a markdown block for docs/performance.md (and the ratios as JSON)
//   regression-check [--current FILE] [--published FILE] [all's options]   ratios now (a fresh `all` run unless --current) against the published ones
if (LoraReport.IsChild(args))
{
    LoraReport.RunAsChild(args);
    return;
}
string[] reports = ["optimizer-step", "step-profile", "flops", "gemm-rate", "mfu", "overhead", "pipeline-ratio", "decoders", "weights-load", "inference", "lora-vs-full", "onnx"];
if (args.Length > 0 && reports.Contains(args[0]))
{
    ReportSection section = Report(args);
    Console.WriteLine();
    Console.WriteLine(section.ToMarkdown());
    if (new ReportArguments(args.Skip(args[0] == "pipeline-ratio" && args.Length > 1 && !args[1].StartsWith("--", StringComparison.Ordinal) ? 2 : 1)).Text("json") is string json)
    {
        Ratio.Merge(json, section.Ratios, Machine.Describe());
        Console.WriteLine($"ratios added to {json}");
    }
    return;
}
if (args is ["regression-check", ..])
{
    var a = new ReportArguments(args.Skip(1));
    string current = a.Text("current") ?? Path.Combine(Path.GetTempPath(), $"ftv-ratios-{Environment.ProcessId}.json");
    if (a.Text("current") is null) AllReports.Run(new ReportArguments([.. args.Skip(1), "--json", current]));
    Environment.ExitCode = RegressionCheck.Run(a.Text("published") ?? RegressionCheck.PublishedFile, current, Console.Out);
    return;
}
if (args is ["all", ..])
{
    string markdown = AllReports.Run(new ReportArguments(args.Skip(1)));
    Console.WriteLine("\n---- markdown for docs/performance.md ----\n");
    Console.WriteLine(markdown);
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(GemmBenchmarks).Assembly).Run(args);

static ReportSection Report(string[] args)
{
    string name = args[0];
    bool countFirst = name == "pipeline-ratio" && args.Length > 1 && !args[1].StartsWith("--", StringComparison.Ordinal);
    var a = new ReportArguments(args.Skip(countFirst ? 2 : 1));
    if (name != "flops") Console.WriteLine($"{Machine.Describe()}\n{TorchBackend.Describe()}");
    return name switch
    {
        "flops" => FlopsReport.Run(),
        "optimizer-step" => OptimizerStepReport.Run(a.Int("repeats", 5), a.Int("rounds", 3), a.Int("threads", Environment.ProcessorCount)),
        "step-profile" => StepProfileReport.Run(a.Text("arch") ?? "vit_small_patch16_224", a.Int("batch", 8), a.Int("threads", Environment.ProcessorCount), a.Int("repeats", 5), a.Flag("bf16")),
        "gemm-rate" => GemmReport.Run(),
        "mfu" => MfuReport.Run(a.Int("batch", 16), a.Int("warmup", 1), a.Int("repeats", 5), !a.Flag("no-bf16"), a.Int("threads", Environment.ProcessorCount), a.Text("only"), a.Text("bf16-skip") ?? "", a.Int("runs", 1)),
        "overhead" => OverheadReport.Run(a.Int("steps", 20), a.Int("rounds", 6), a.Int("workers", 1), a.Int("threads", Environment.ProcessorCount), a.Text("only")),
        "pipeline-ratio" => PipelineReport.Run(countFirst ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : a.Int("images", 400), stepBatch: 2),
        "decoders" => DecoderReport.Run(a.Int("images", 200), a.Int("rounds", 7)),
        "weights-load" => WeightsLoadReport.Run(a.Int("mb", 200), a.Int("repeats", 5)),
        "inference" => InferenceReport.Run(a.Int("warmup", 2), a.Int("repeats", 10)),
        "lora-vs-full" => LoraReport.Run(a.Int("repeats", 10)),
        "onnx" => OnnxReport.Run(a.Int("warmup", 2), a.Int("repeats", 10), a.Int("rounds", 3), a.Int("threads", Environment.ProcessorCount), a.Flag("profile")),
        _ => throw new ArgumentException($"Unknown report '{name}'."),
    };
}
