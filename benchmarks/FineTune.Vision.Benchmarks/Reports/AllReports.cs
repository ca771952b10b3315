using System.Text;
using FineTune.Vision.Core;
using TorchSharp;

namespace FineTune.Vision.Benchmarks.Reports;

/// <summary>
/// <c>all</c>: every ratio report in sequence (FLOP counts, GEMM ceiling, MFU, overhead, input pipeline, weights load,
/// both image decoders, inference, LoRA vs full, ONNX Runtime), then one markdown block for docs/performance.md with the machine and the
/// commands; with <c>--json FILE</c> also every report's headline ratios (<see cref="Ratio"/>) for <c>regression-check</c>.
/// </summary>
public static class AllReports
{
    /// <summary>Runs the reports with <paramref name="arguments"/>' sizes (or the defaults); prints progress, then the markdown.</summary>
    public static string Run(ReportArguments arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        string machine = Machine.Describe();
        Console.WriteLine(machine);
        var sections = new List<ReportSection>();
        void Add(string name, Func<ReportSection> report)
        {
            Console.WriteLine($"\n== {name} ==");
            sections.Add(report());
        }
        Add("flops", FlopsReport.Run);
        Add("gemm-rate", () => GemmReport.Run());
        Add("mfu", () => MfuReport.Run(arguments.Int("batch", 16), arguments.Int("warmup", 1), arguments.Int("repeats", 5), !arguments.Flag("no-bf16"), Environment.ProcessorCount,
            bf16Skip: arguments.Text("bf16-skip") ?? "", runs: arguments.Int("runs", 3)));
        Add("optimizer-step", () => OptimizerStepReport.Run(arguments.Int("repeats", 5), 3, Environment.ProcessorCount));
        Add("overhead", () => OverheadReport.Run(arguments.Int("steps", 20), arguments.Int("rounds", 6), arguments.Int("workers", 1), Environment.ProcessorCount));
        Add("pipeline-ratio", () => PipelineReport.Run(arguments.Int("images", 400), stepBatch: 2));
        Add("decoders", () => DecoderReport.Run(arguments.Int("images", 400) / 2, 7));
        Add("weights-load", () => WeightsLoadReport.Run(arguments.Int("mb", 200), arguments.Int("repeats", 5)));
        Add("inference", () => InferenceReport.Run(arguments.Int("warmup", 1) + 1, arguments.Int("repeats", 5) * 2));
        Add("lora-vs-full", () => LoraReport.Run(arguments.Int("repeats", 5) * 2));
        Add("onnx", () => OnnxReport.Run(arguments.Int("warmup", 1) + 1, arguments.Int("repeats", 5) * 2, 3, Environment.ProcessorCount));
        torch.set_num_threads(Environment.ProcessorCount);
        if (arguments.Text("json") is string json)
        {
            Ratio.Save(json, sections.SelectMany(s => s.Ratios), machine);
            Console.WriteLine($"ratios written to {json}");
        }
        var markdown = new StringBuilder();
        markdown.AppendLine($"## Ratio reports ({DateTime.UtcNow:yyyy-MM-dd})").AppendLine();
        markdown.AppendLine($"Machine: {machine}; {TorchBackend.Describe()}.").AppendLine();
        markdown.AppendLine("```sh").AppendLine(Commands.Of("all " + string.Join(' ', Environment.GetCommandLineArgs().Skip(2)))).AppendLine("```").AppendLine();
        foreach (ReportSection section in sections) markdown.AppendLine(section.ToMarkdown());
        return markdown.ToString();
    }
}
