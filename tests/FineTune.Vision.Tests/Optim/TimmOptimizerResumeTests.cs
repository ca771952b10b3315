using FineTune.Vision.Optim;
using FineTune.Vision.Tests.Data;
using FineTune.Vision.Tests.Training;
using FineTune.Vision.Training;
using TorchSharp;
using TorchSharp.Modules;

namespace FineTune.Vision.Tests.Optim;

/// <summary>
/// The optimizers' state (moments, momentum buffers, LAMB's group step, Lookahead's slow weights and counters) survives
/// save/load: N steps, save, a new optimizer over new parameters, load, M steps equals timm's N+M steps; and in the
/// Trainer, each optimizer lowers the loss and a checkpoint resume equals the uninterrupted run.
/// </summary>
public sealed class TimmOptimizerResumeTests : IDisposable
{
    private const double RelTol = 1e-6, AbsTol = 1e-7;
    private readonly IDisposable _threads = TrainingFixtures.SingleThread();

    /// <summary>Restores the intra-op thread count.</summary>
    public void Dispose() => _threads.Dispose();

    public static TheoryData<string> Names() => TimmOptimizerParityTests.Names();

    [Theory]
    [MemberData(nameof(Names))]
    public void Seven_steps_save_load_and_thirteen_more_equal_timms_twenty(string name)
    {
        const int first = 7;
        var c = TimmOptimizerParityTests.Case(name);
        var expected = c.GetProperty("params");
        double wd = c.GetProperty("weight_decay").GetDouble();
        byte[] saved;
        float[] afterFirst;
        var (parameters, groups) = TimmOptimizerParityTests.Problem(wd);
        using (var optimizer = Optimizers.Create(TimmOptimizerParityTests.Config(c), groups))
        {
            for (int step = 0; step < first; step++)
            {
                TimmOptimizerParityTests.SetGradients(optimizer, parameters, step);
                optimizer.Step();
            }
            using var stream = new MemoryStream();
            using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
                ((OptimizerHelper)optimizer.Optimizer).save_state_dict(writer);
            saved = stream.ToArray();
            afterFirst = TimmOptimizerParityTests.Flat(parameters);
        }
        foreach (Parameter p in parameters) p.Dispose();

        var (resumed, resumedGroups) = TimmOptimizerParityTests.Problem(wd);
        using (torch.no_grad())
        {
            int offset = 0;
            foreach (Parameter p in resumed)
            {
                int n = (int)p.numel();
                using var values = torch.tensor(afterFirst[offset..(offset + n)]).reshape(p.shape);
                p.copy_(values);
                offset += n;
            }
        }
        using (var optimizer = Optimizers.Create(TimmOptimizerParityTests.Config(c), resumedGroups))
        {
            using (var reader = new BinaryReader(new MemoryStream(saved)))
                ((OptimizerHelper)optimizer.Optimizer).load_state_dict(reader);
            for (int step = first; step < expected.GetArrayLength(); step++)
            {
                TimmOptimizerParityTests.SetGradients(optimizer, resumed, step);
                optimizer.Step();
                float[] want = [.. expected[step].EnumerateArray().Select(v => (float)v.GetDouble())], got = TimmOptimizerParityTests.Flat(resumed);
                for (int i = 0; i < want.Length; i++)
                    Assert.True(Math.Abs(got[i] - (double)want[i]) <= RelTol * Math.Abs(want[i]) + AbsTol,
                        $"{name}, step {step + 1} after resuming at {first}, value {i}: timm {want[i]:R}, library {got[i]:R}");
            }
        }
        foreach (Parameter p in resumed) p.Dispose();
    }

    public static TheoryData<string> TrainerCases() => ["lamb", "lars", "lion", "lookahead_adamw", "lookahead_lion"];

    private static OptimizerConfig TrainerOptimizer(string name) => name switch
    {
        "lamb" => Optimizers.Lamb(1e-2),
        "lars" => Optimizers.Lars(0.1, weightDecay: 1e-4),
        "lion" => Optimizers.Lion(1e-3, weightDecay: 0.1),
        "lookahead_adamw" => Optimizers.Lookahead(Optimizers.AdamW(2e-3), k: 3),
        _ => Optimizers.Lookahead(Optimizers.Lion(1e-3), alpha: 0.5, k: 3),
    };

    private sealed class InterruptAfter(int epochs) : Callback
    {
        public override void OnEpochEnd(TrainingContext context)
        {
            if (context.Epoch + 1 == epochs) context.StopTraining("interrupted");
        }
    }

    [Theory]
    [MemberData(nameof(TrainerCases))]
    public void Trainer_lowers_the_loss_and_a_resume_equals_the_straight_run(string name)
    {
        const int epochs = 4, steps = 2;
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "ckpt.safetensors");
        var source = TrainingFixtures.Encode(TrainingFixtures.FashionTrain(32), 8);
        TrainerOptions Options(Callback recorder, Callback? stop = null)
        {
            var o = new TrainerOptions { Epochs = epochs, Seed = 3, Optimizer = TrainerOptimizer(name) };
            o.Callbacks.Add(recorder);
            if (stop is not null) o.Callbacks.Add(stop);
            return o;
        }

        var straight = new Recorder();
        using (var model = TrainingFixtures.Model(TrainingFixtures.MicroVit))
        using (var loader = TrainingFixtures.Loader(source, 16, shuffle: true, seed: 3))
        using (var trainer = new Trainer(model, Options(straight)))
            trainer.Fit(loader);
        Assert.Equal(epochs * steps, straight.Losses.Count);
        Assert.True(straight.Losses.TakeLast(steps).Average() < straight.Losses.Take(steps).Average(),
            $"{name}: the loss did not fall: {string.Join(", ", straight.Losses)}");

        var first = new Recorder();
        using (var model = TrainingFixtures.Model(TrainingFixtures.MicroVit))
        using (var loader = TrainingFixtures.Loader(source, 16, shuffle: true, seed: 3))
        using (var trainer = new Trainer(model, Options(first, new InterruptAfter(2))))
        {
            Assert.Equal("interrupted", trainer.Fit(loader).StopReason.Message);
            trainer.SaveCheckpoint(path);
        }

        var second = new Recorder();
        using (var model = TrainingFixtures.Model(TrainingFixtures.MicroVit, seed: 99))
        using (var loader = TrainingFixtures.Loader(source, 16, shuffle: true, seed: 3))
        using (var trainer = new Trainer(model, Options(second)))
        {
            trainer.LoadCheckpoint(path);
            trainer.Fit(loader);
        }
        double[] resumed = [.. first.Losses, .. second.Losses];
        Assert.Equal(straight.Losses.Count, resumed.Length);
        for (int i = 0; i < resumed.Length; i++)
            Assert.True(Math.Abs(straight.Losses[i] - resumed[i]) <= 1e-6, $"{name}, batch {i}: {straight.Losses[i]} vs {resumed[i]}");
    }
}
