using FineTune.Vision.Optim.Schedules;

namespace FineTune.Vision.Cli;

/// <summary>
/// <c>schedule --kind NAME --lr BASE [--set key=value]... --steps N --csv OUT.csv [--png OUT.png]</c>: evaluates a
/// schedule (PyTorch's class and argument names, or the library's own) for N optimizer steps.
/// </summary>
public static class ScheduleVerb
{
    /// <summary>One-line usage.</summary>
    public const string Usage = "schedule --kind NAME --lr BASE [--set key=value]... --steps N --csv OUT.csv [--png OUT.png]";

    /// <summary>Runs the verb.</summary>
    public static int Run(CommandLine line, TextWriter output)
    {
        string kind = line.Required("kind");
        double lr = line.Double("lr");
        int steps = line.Int("steps", 0);
        if (steps <= 0) throw new UsageException($"schedule: --steps must be a positive integer (was {steps}).");
        string csv = line.Required("csv");
        string? png = line.Optional("png");
        Dictionary<string, string> arguments = line.KeyValues();
        line.RejectUnknown();

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
