using System.Reflection;
using System.Text.RegularExpressions;
using FineTune.Vision.Core;

namespace FineTune.Vision.Samples;

/// <summary>
/// How the samples and the command line end, in one place (this file is linked into each of those projects): any
/// exception becomes <c>error: message</c> on standard error, with the causes that add information on the lines after
/// it, and exit code 1; cancellation (Ctrl+C through a token) is exit code 130. Users never see a stack trace or
/// "Unhandled exception"; developers set <c>FTV_DEBUG=1</c> to get the full exception as well. Usage errors are the
/// caller's to handle before this (each program keeps its own usage text and exit code 2). A program that touched
/// TorchSharp before the library checked for its native backend still gets the library's message naming the packages.
/// </summary>
internal static partial class EntryPoint
{
    /// <summary>The exit code of a failure.</summary>
    public const int Failed = 1;

    /// <summary>The exit code of a cancelled run (128 + SIGINT, what shells report for Ctrl+C).</summary>
    public const int Cancelled = 130;

    /// <summary>Set to <c>1</c> (or <c>true</c>) to print the full exception, stack trace included, before the message.</summary>
    public const string DebugVariable = "FTV_DEBUG";

    private const int MaxCauses = 3, MaxLines = 8;

    private static int s_processHandlers;

    /// <summary>Whether <see cref="DebugVariable"/> asks for full exceptions.</summary>
    public static bool Debug => Environment.GetEnvironmentVariable(DebugVariable) is "1" or "true" or "TRUE" or "True";

    /// <summary>
    /// A program's whole <c>Main</c>: <see cref="Run"/> on the console, and an exception escaping another thread reported the
    /// same way (exit code 1) instead of aborting the process.
    /// </summary>
    public static int RunProgram(Func<int> main)
    {
        if (Interlocked.Exchange(ref s_processHandlers, 1) == 0)
        {
            AppDomain.CurrentDomain.UnhandledException += (_, e) =>
                Environment.Exit(Report(e.ExceptionObject as Exception ?? new InvalidOperationException($"{e.ExceptionObject}"), Console.Error));
        }
        return Run(main, Console.Error);
    }

    /// <summary>Runs <paramref name="main"/> and returns its exit code, or <see cref="Failed"/> / <see cref="Cancelled"/> after reporting what it threw.</summary>
    public static int Run(Func<int> main, TextWriter? error = null)
    {
        ArgumentNullException.ThrowIfNull(main);
        try
        {
            return main();
        }
        catch (Exception e)
        {
            return Report(e, error ?? Console.Error);
        }
    }

    /// <summary>Writes <paramref name="e"/> for a user (and in full when <see cref="Debug"/>); returns the exit code.</summary>
    public static int Report(Exception e, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(error);
        if (Debug) error.WriteLine(e.ToString());
        e = ExplainNativeFailure(e);
        if (IsCancellation(e))
        {
            error.WriteLine("cancelled.");
            error.Flush();
            return Cancelled;
        }
        error.WriteLine(Describe(e));
        if (!Debug && IsBug(e)) error.WriteLine($"  (an unexpected {e.GetType().Name}: please report it; set {DebugVariable}=1 for the full exception)");
        error.Flush();
        return Failed;
    }

    /// <summary>
    /// <c>error: message</c>, then <c>  caused by: message</c> for up to three inner exceptions whose message is not
    /// already said; wrappers without a message of their own (type initializers, reflection, a single aggregate) are
    /// looked through; native stack frames that libtorch appends to its messages are cut.
    /// </summary>
    public static string Describe(Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var said = new List<string>();
        foreach (Exception x in Causes(e))
        {
            string message = said.Count == 0 ? Clean(x.Message, MaxLines) : Clean(x.Message, 1);
            if (message.Length == 0) message = x.GetType().Name;
            if (said.Any(s => s.Contains(FirstSentence(message), StringComparison.Ordinal))) continue;
            said.Add(message);
            if (said.Count > MaxCauses) break;
        }
        return "error: " + string.Join("\n  caused by: ", said);
    }

    private static IEnumerable<Exception> Causes(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            if (x is AggregateException aggregate)
            {
                var inner = aggregate.Flatten().InnerExceptions;
                if (inner.Count == 1) { foreach (var c in Causes(inner[0])) yield return c; yield break; }
                yield return x;
                foreach (var c in inner) yield return c;
                yield break;
            }
            if (x is TypeInitializationException or TargetInvocationException && x.InnerException is not null) continue;
            yield return x;
        }
    }

    /// <summary>
    /// At most <paramref name="maxLines"/> lines of <paramref name="message"/>, up to libtorch's or .NET's stack frames;
    /// a longer message keeps its last line too (the library's messages end with the fix).
    /// </summary>
    private static string Clean(string message, int maxLines)
    {
        var lines = message.Split('\n').Select(l => l.TrimEnd('\r', ' '))
            .TakeWhile(l => !StackFrame().IsMatch(l))
            .Where(l => l.Trim().Length > 0).ToList();
        if (lines.Count <= maxLines) return string.Join("\n", lines);
        if (maxLines < 3) return string.Join("\n", lines.Take(maxLines));
        return string.Join("\n", [.. lines.Take(maxLines - 2), $"  … ({lines.Count - maxLines + 1} more lines)", lines[^1]]);
    }

    /// <summary>The text up to the first sentence's end (<c>". "</c>), without the full stop: a cause that only repeats it adds nothing.</summary>
    private static string FirstSentence(string message)
    {
        int end = message.IndexOf(". ", StringComparison.Ordinal);
        return (end > 0 ? message[..end] : message).TrimEnd('.');
    }

    /// <summary>A line of a stack trace: libtorch's (<c>Exception raised from …</c>, <c>frame #0: …</c>) or .NET's (<c>   at N.T.M(…)</c>).</summary>
    // A plain compiled Regex, not [GeneratedRegex]: the docs test compiles this file without source generators.
    private static readonly Regex StackFrameRegex = new(@"^(Exception raised from |frame #\d+|\s+at \S+\()", RegexOptions.Compiled);

    private static Regex StackFrame() => StackFrameRegex;

    /// <summary>
    /// TorchSharp failing to load its native code where the program touched <c>torch</c> before the library could check
    /// (<see cref="TorchBackend.EnsureAvailable"/>): that check's message, which names the packages to add, instead.
    /// </summary>
    private static Exception ExplainNativeFailure(Exception e)
    {
        bool native = false;
        for (Exception? x = e; x is not null && !native; x = x.InnerException)
            native = x is DllNotFoundException || x is TypeInitializationException t && t.TypeName.StartsWith("TorchSharp", StringComparison.Ordinal);
        if (!native) return e;
        try
        {
            TorchBackend.EnsureAvailable();
            return e;
        }
        catch (InvalidOperationException backend)
        {
            return backend;
        }
    }

    private static bool IsCancellation(Exception e) =>
        e is OperationCanceledException || e is AggregateException a && a.Flatten().InnerExceptions.All(i => i is OperationCanceledException);

    private static bool IsBug(Exception e) =>
        e is NullReferenceException or IndexOutOfRangeException or InvalidCastException or NotImplementedException;
}
