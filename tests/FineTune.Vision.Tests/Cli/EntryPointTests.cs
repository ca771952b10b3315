using System.Runtime.InteropServices;
using FineTune.Vision.Samples;

namespace FineTune.Vision.Tests.Cli;

/// <summary>How <see cref="EntryPoint"/> (samples/Shared, linked into the CLI and every sample) reports exceptions.</summary>
public sealed class EntryPointTests
{
    private static (int Code, string Error) Run(Func<int> main)
    {
        var error = new StringWriter();
        return (EntryPoint.Run(main, error), error.ToString());
    }

    [Fact]
    public void Any_exception_is_one_error_line_and_exit_code_1()
    {
        Assert.Equal((0, ""), Run(() => 0));
        Assert.Equal((2, ""), Run(() => 2));
        var (code, error) = Run(() => throw new InvalidDataException("'w.pth' is truncated."));
        Assert.Equal(1, code);
        Assert.Equal("error: 'w.pth' is truncated.\n", error.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Causes_that_add_information_follow_and_wrappers_are_looked_through()
    {
        var e = new InvalidOperationException("Loading 'w.pth' failed.", new TypeInitializationException("T", new IOException("disk full\nsecond line")));
        Assert.Equal("error: Loading 'w.pth' failed.\n  caused by: disk full", EntryPoint.Describe(e));

        var repeated = new InvalidOperationException("Could not load: bad header.", new FormatException("bad header."));
        Assert.Equal("error: Could not load: bad header.", EntryPoint.Describe(repeated));

        var single = new AggregateException(new ArgumentException("--lr must be positive."));
        Assert.Equal("error: --lr must be positive.", EntryPoint.Describe(single));
    }

    [Fact]
    public void A_long_message_keeps_its_first_lines_and_its_last()
    {
        string keys = string.Join("\n", Enumerable.Range(0, 40).Select(i => $"  'blocks.{i}.weight': checkpoint shape [32], model shape [768]"));
        var e = new InvalidDataException($"40 checkpoint tensors do not fit the model:\n{keys}\nCheck the model configuration.");
        string[] lines = EntryPoint.Describe(e).Split('\n');
        Assert.Equal(8, lines.Length);
        Assert.Equal("error: 40 checkpoint tensors do not fit the model:", lines[0]);
        Assert.Equal("  … (35 more lines)", lines[6]);
        Assert.Equal("Check the model configuration.", lines[7]);
    }

    [Fact]
    public void Native_stack_frames_in_libtorch_messages_are_cut()
    {
        var e = new ExternalException("shape '[2, 3]' is invalid for input of size 5\nException raised from infer_size_impl at aten/src/ATen/InferSize.h:95 (most recent call first):\nframe #0: c10::Error::Error(...) + 0x9e");
        string text = EntryPoint.Describe(e);
        Assert.Equal("error: shape '[2, 3]' is invalid for input of size 5", text);
    }

    [Fact]
    public void Cancellation_exits_with_130_and_bugs_ask_to_be_reported()
    {
        var (code, error) = Run(() => throw new OperationCanceledException());
        Assert.Equal((130, "cancelled."), (code, error.Trim()));

        (code, error) = Run(() => throw new NullReferenceException("Object reference not set to an instance of an object."));
        Assert.Equal(1, code);
        Assert.StartsWith("error: Object reference not set", error);
        Assert.Contains("FTV_DEBUG=1", error);
        Assert.DoesNotContain("   at ", error);
    }
}
