using System.Diagnostics;
using FineTune.Vision.Weights;

namespace FineTune.Vision.Tests.Reliability;

/// <summary>What one case did: its error (null when it loaded), managed and native bytes allocated, and time taken.</summary>
internal sealed record FuzzOutcome(FuzzCase Case, string Path, Exception? Error, long ManagedBytes, long NativeBytes, TimeSpan Elapsed);

/// <summary>
/// Runs weights-reader fuzz cases one by one on a worker thread with a per-case time limit (a hang fails the test
/// naming the case), measuring the managed allocation of that thread and the tensor bytes the readers allocate.
/// </summary>
internal static class FuzzHarness
{
    /// <summary>A case still running after this long is reported as a hang.</summary>
    public static readonly TimeSpan CaseTimeout = TimeSpan.FromSeconds(20);

    /// <summary>Managed bytes every load may allocate regardless of the file (reader, JSON and zip objects, buffers).</summary>
    public const long ManagedAllowance = 1 << 20;

    /// <summary>
    /// Managed allocation allowed per byte of file beyond <see cref="ManagedAllowance"/>: linear, not amplified. A
    /// pickle opcode of one byte may make one small object (an empty list, a tuple, a stack slot), so the bound is a
    /// small multiple of the file size rather than the size itself.
    /// </summary>
    public const int ManagedPerFileByte = 160;

    public static List<FuzzOutcome> Run(IEnumerable<FuzzCase> cases, string directory, Func<string, StateDict> load)
    {
        var outcomes = new List<FuzzOutcome>();
        foreach (var c in cases)
        {
            string path = Path.Combine(directory, Sanitize(c.Name) + c.Extension);
            File.WriteAllBytes(path, c.Bytes);
            var task = Task.Factory.StartNew(() => Load(c, path, load), TaskCreationOptions.LongRunning);
            Assert.True(task.Wait(CaseTimeout), $"fuzz case {c} did not finish within {CaseTimeout.TotalSeconds} s (hang)");
            outcomes.Add(task.Result);
            File.Delete(path);
        }
        return outcomes;
    }

    /// <summary>Checks one outcome: the documented exception naming the file, or a load that was allowed; bounded memory.</summary>
    public static void Check(FuzzOutcome o)
    {
        var c = o.Case;
        if (o.Error is null)
        {
            Assert.True(c.Expect == FuzzExpectation.LoadOrClearError, $"{c}: loaded, but it must be refused");
        }
        else
        {
            Assert.True(o.Error is WeightsFormatException, $"{c}: threw {o.Error}");
            var e = (WeightsFormatException)o.Error;
            Assert.True(e.FilePath == o.Path && e.Message.Contains(o.Path, StringComparison.Ordinal), $"{c}: the message does not name the file: {e.Message}");
            if (c.Expect == FuzzExpectation.Unsafe)
            {
                var unsafeError = Assert.IsType<UnsafeCheckpointException>(o.Error);
                Assert.True(unsafeError.GlobalName == c.Global, $"{c}: refused '{unsafeError.GlobalName}', expected '{c.Global}'");
            }
        }
        // Checkpoints: the storages (at most the file's bytes) plus copies of strided views (at most the file's bytes in all).
        long nativeLimit = c.Extension == ".pth" ? 2L * c.Bytes.Length : c.Bytes.Length;
        Assert.True(o.NativeBytes <= nativeLimit, $"{c}: the readers allocated {o.NativeBytes} tensor bytes for a {c.Bytes.Length}-byte file");
        long managedLimit = ManagedAllowance + (long)ManagedPerFileByte * c.Bytes.Length;
        Assert.True(o.ManagedBytes <= managedLimit, $"{c}: {o.ManagedBytes} managed bytes allocated, more than {managedLimit}");
    }

    private static FuzzOutcome Load(FuzzCase c, string path, Func<string, StateDict> load)
    {
        long managed = GC.GetAllocatedBytesForCurrentThread(), native = NativeBytes.AllocatedOnThread;
        var clock = Stopwatch.StartNew();
        Exception? error = null;
        try
        {
            using var loaded = load(path);
        }
        catch (Exception e)
        {
            error = e;
        }
        clock.Stop();
        return new FuzzOutcome(c, path, error, GC.GetAllocatedBytesForCurrentThread() - managed, NativeBytes.AllocatedOnThread - native, clock.Elapsed);
    }

    private static string Sanitize(string name) =>
        new(name.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '.' or '_' ? ch : '_').ToArray());
}
