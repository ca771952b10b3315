using FineTune.Vision.Tests.Data;
using FineTune.Vision.Tests.Training;

namespace FineTune.Vision.Tests.Cli;

/// <summary>
/// Issue 14: every verb that reads weights or a model name ends a failure with <c>error: message</c> and exit code 1,
/// never "Unhandled exception" or a stack trace: for each refused weights file of <see cref="HostileWeights"/> and for
/// unknown model names, in-process, and as a real process for a few (where a crash would show as exit code 134).
/// </summary>
public sealed class CliErrorTests : IClassFixture<HostileWeights>, IDisposable
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Weights");
    private static readonly string Mini = DataFixtures.TinyImageNetMini;
    private static readonly string[] UnknownModels = ["vit_bse", "resnet50"];

    private readonly HostileWeights _hostile;
    private readonly IDisposable _threads = TrainingFixtures.SingleThread();
    private readonly TempDir _dir = new();

    /// <summary>Uses the shared hostile files.</summary>
    public CliErrorTests(HostileWeights hostile) => _hostile = hostile;

    /// <summary>Restores the thread count and deletes the outputs.</summary>
    public void Dispose()
    {
        _threads.Dispose();
        _dir.Dispose();
    }

    /// <summary>The verbs that read <c>--weights</c>, with everything else valid (the tiny ViT of the model verbs' tests, tiny-imagenet-mini).</summary>
    private string[][] WeightsVerbs(string weights, string model = "vit_tiny_patch16_224")
    {
        string[] tiny = [.. TinyTrainedWeights.Model.Select(a => a == "vit_tiny_patch16_224" ? model : a)];
        return
        [
            ["inspect", "--weights", weights],
            ["logits", .. tiny, "--weights", weights, "--input", Path.Combine(Fixtures, "vit_io.safetensors"), "--output", _dir.File("logits.safetensors")],
            ["evaluate", .. tiny, "--weights", weights, "--data", Mini, "--layout", "tinyimagenet-val", "--workers", "1"],
            ["predict", .. tiny, "--weights", weights, "--images", Path.Combine(Mini, "val", "images"), "--batch", "2"],
            ["lr-find", .. tiny, "--weights", weights, "--data", Mini, "--layout", "tinyimagenet-train", "--png", _dir.File("lr.png"), "--steps", "2", "--batch", "2", "--workers", "1"],
        ];
    }

    [Fact]
    public void Every_weights_verb_refuses_every_hostile_file_with_an_error_line_and_exit_code_1()
    {
        Assert.True(_hostile.Files.Count >= 25, $"only {_hostile.Files.Count} hostile files");
        var problems = new List<string>();
        foreach (string file in _hostile.Files)
        {
            foreach (string[] args in WeightsVerbs(file))
            {
                CliRun run = CliRun.InProcess(args);
                string? problem = run.Problem()
                    ?? (run.Error.Contains(Path.GetFileName(file), StringComparison.Ordinal) ? null : $"{string.Join(' ', args)}: the error does not name the file:\n{run.Error}");
                if (problem is not null) problems.Add(problem);
            }
        }
        Assert.False(File.Exists(_hostile.Marker), "a hostile pickle ran a command");
        Assert.True(problems.Count == 0, $"{problems.Count} runs failed badly:\n\n{string.Join("\n\n", problems.Take(10))}");
    }

    [Fact]
    public void Every_model_verb_names_an_unknown_model_with_exit_code_1()
    {
        foreach (string model in UnknownModels)
        {
            foreach (string[] args in WeightsVerbs(Path.Combine(Fixtures, "vit_timm.safetensors"), model).Skip(1))
            {
                CliRun run = CliRun.InProcess(args).AssertFailsCleanly();
                Assert.Contains($"'{model}'", run.Error);
                Assert.DoesNotContain("usage:", run.Error);
            }
        }
    }

    [Fact]
    public void Usage_errors_keep_exit_code_2_and_the_usage()
    {
        CliRun verb = CliRun.InProcess("evaluat", "--model", "vit_bse").AssertFailsCleanly(expectedCode: 2);
        Assert.Contains("'evaluat'", verb.Error);
        Assert.Contains("usage: see 'ftv --help'", verb.Error);

        CliRun recipe = CliRun.InProcess("train", "--recipe", "transfer-tricks", "--smoke", "--model", "resnet50").AssertFailsCleanly(expectedCode: 2);
        Assert.Contains("resnet50", recipe.Error);
    }

    [Fact]
    public void As_a_process_hostile_files_and_unknown_models_end_with_exit_code_1()
    {
        CliRun malicious = CliRun.Cli("inspect", "--weights", HostileWeights.Malicious).AssertFailsCleanly();
        Assert.Contains("posix.system", malicious.Error);
        Assert.Contains("nothing was executed", malicious.Error);

        CliRun.Cli("inspect", "--weights", _hostile.Truncated).AssertFailsCleanly();
        CliRun bomb = CliRun.Cli(WeightsVerbs(_hostile.Bomb)[1]).AssertFailsCleanly();
        Assert.Contains(Path.GetFileName(_hostile.Bomb), bomb.Error);

        CliRun unknown = CliRun.Cli(WeightsVerbs(Path.Combine(Fixtures, "vit_timm.safetensors"), "vit_bse")[2]).AssertFailsCleanly();
        Assert.Contains("'vit_bse'", unknown.Error);
        CliRun.Cli(WeightsVerbs(Path.Combine(Fixtures, "vit_timm.safetensors"), "resnet50")[1]).AssertFailsCleanly();
        Assert.False(File.Exists(_hostile.Marker), "a hostile pickle ran a command");
    }

    [Fact]
    public void FTV_DEBUG_adds_the_full_exception_for_developers()
    {
        CliRun run = CliRun.Process("ftv.dll", ["inspect", "--weights", HostileWeights.Malicious], new Dictionary<string, string> { ["FTV_DEBUG"] = "1" });
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("FineTune.Vision.Weights.UnsafeCheckpointException", run.Error);
        Assert.Contains("   at FineTune.Vision.", run.Error);
        Assert.Contains("error: ", run.Error);
    }

    [Fact]
    public void QuickStart_as_a_process_ends_bad_inputs_with_an_error_line()
    {
        string output = _dir.File("quickstart");
        CliRun weights = CliRun.Process("QuickStart.dll", ["--smoke", "--no-baselines", "--out", output, "--checkpoint", HostileWeights.Malicious]).AssertFailsCleanly();
        Assert.Contains("malicious.pth", weights.Error);

        string nowhere = Path.Combine(_dir.Path, "no-such-folder");
        CliRun data = CliRun.Process("QuickStart.dll", ["--smoke", "--no-baselines", "--out", output, "--data", nowhere]).AssertFailsCleanly();
        Assert.Contains(nowhere, data.Error);

        CliRun.Process("QuickStart.dll", ["--epochs", "zero"]).AssertFailsCleanly(expectedCode: 2);
    }
}
