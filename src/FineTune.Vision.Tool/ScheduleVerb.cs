using System.CommandLine;
using FineTune.Vision.Optim.Schedules;

namespace FineTune.Vision.Cli;

/// <summary>
/// <c>schedule --kind NAME --lr BASE [--set key=value]... --steps N --csv OUT.csv [--png OUT.png]</c>: evaluates a
/// schedule (PyTorch's class and argument names, or the library's own) for N optimizer steps.
/// </summary>
public static class ScheduleVerb
{
    /// <summary>The <c>schedule</c> command.</summary>
    public static Command Command() => Opts.Verb("schedule", "Evaluate a learning-rate schedule (PyTorch's class and argument names) for N steps.",
    [
        Opts.Text("--kind", "Schedule name, e.g. CosineAnnealingLR, OneCycleLR, CosineWithRestarts. Required.", "NAME"),
        Opts.Number("--lr", "Base rate. Required."),
        Opts.Many("--set", "Schedule argument, key=value (repeatable).", "KEY=VALUE"),
        Opts.Int("--steps", "Optimizer steps. Required."),
        Opts.Text("--csv", "The CSV to write. Required.", "OUT.csv"),
        Opts.Text("--png", "Also draw it.", "OUT.png"),
    ], Run);

    /// <summary>Runs the verb.</summary>
    public static int Run(VerbInput line, TextWriter output)
    {
        string kind = line.Required("kind");
        double lr = line.Double("lr");
        int steps = line.Int("steps", 0);
        if (steps <= 0) throw new UsageException($"schedule: --steps must be a positive integer (was {steps}).");
        string csv = line.Required("csv");
        string? png = line.Optional("png");
        Dictionary<string, string> arguments = line.KeyValues();

        ILrSchedule schedule = ScheduleFactory.Create(kind, lr, arguments, steps);
        var curve = ScheduleCurve.Evaluate(schedule, steps, $"{kind} (lr {lr})");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(csv))!);
        using (var writer = new StreamWriter(csv)) curve.WriteCsv(writer);
        output.WriteLine($"wrote {csv}: {steps} steps, lr {curve.Lr.Min():G4} … {curve.Lr.Max():G4}");
        if (png is not null)
        {
            curve.SavePng(png);
            output.WriteLine($"wrote {png}");
        }
        return 0;
    }
}
