using System.Diagnostics;
using System.Text.RegularExpressions;
using FineTune.Vision.Cli;

namespace FineTune.Vision.Tests.Cli;

/// <summary>What one run of the command line printed and returned, in-process (<see cref="CliApp.Run"/>) or as a child process.</summary>
internal sealed partial record CliRun(string[] Args, int ExitCode, string Output, string Error)
{
    /// <summary>Runs <see cref="CliApp.Run"/> in this process.</summary>
    public static CliRun InProcess(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = CliApp.Run(args, output, error);
        return new CliRun(args, code, output.ToString(), error.ToString());
    }

    /// <summary>Runs <c>dotnet exec <paramref name="dll"/></c> (from <paramref name="directory"/>, default: the test output) with <paramref name="args"/>.</summary>
    public static CliRun Process(string dll, string[] args, IReadOnlyDictionary<string, string>? environment = null, string? directory = null)
    {
        var start = new ProcessStartInfo("dotnet", ["exec", Path.Combine(directory ?? AppContext.BaseDirectory, dll), .. args])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.Environment.Remove("FTV_DEBUG");
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) start.Environment[k] = v;
        using var child = System.Diagnostics.Process.Start(start)!;
        Task<string> output = child.StandardOutput.ReadToEndAsync(), error = child.StandardError.ReadToEndAsync();
        if (!child.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            child.Kill(entireProcessTree: true);
            Assert.Fail($"'{string.Join(' ', args)}' did not finish in 3 minutes");
        }
        child.WaitForExit();
        return new CliRun(args, child.ExitCode, output.Result, error.Result);
    }

    /// <summary>Runs the command line as a child process.</summary>
    public static CliRun Cli(params string[] args) => Process("ftv.dll", args);

    /// <summary>
    /// Null when the run failed the way a user must see it: exit code 1, <c>error:</c> on standard error, no
    /// "Unhandled exception" and no stack frame; otherwise what went wrong, with everything it printed.
    /// </summary>
    public string? Problem(int expectedCode = 1)
    {
        string all = Output + Error;
        string? problem =
            ExitCode != expectedCode ? $"exit code {ExitCode}, expected {expectedCode}"
            : !Error.Contains("error: ", StringComparison.Ordinal) ? "no 'error: ' on standard error"
            : all.Contains("Unhandled exception", StringComparison.OrdinalIgnoreCase) ? "an unhandled exception"
            : StackFrame().IsMatch(all) ? "a stack trace"
            : null;
        return problem is null ? null : $"{string.Join(' ', Args)}: {problem}\n--- stdout:\n{Output}\n--- stderr:\n{Error}";
    }

    /// <summary>Asserts <see cref="Problem"/> is null.</summary>
    public CliRun AssertFailsCleanly(int expectedCode = 1)
    {
        Assert.True(Problem(expectedCode) is null, Problem(expectedCode));
        return this;
    }

    [GeneratedRegex(@"^\s+at \S+\(|^frame #\d+|Exception raised from ", RegexOptions.Multiline)]
    private static partial Regex StackFrame();
}
