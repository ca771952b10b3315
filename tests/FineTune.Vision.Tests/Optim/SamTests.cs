using System.Text.Json;
using FineTune.Vision.Data;
using FineTune.Vision.Optim;
using FineTune.Vision.Tests.Training;
using FineTune.Vision.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Tests.Optim;

/// <summary>SAM and ASAM against the PyTorch reference algorithm (Fixtures/Optim/make_sam_reference.py), and inside the Trainer.</summary>
public sealed class SamTests
{
    private static readonly Lazy<JsonElement> Reference = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Optim", "sam_reference.json"))).RootElement);

    private static float[] Floats(JsonElement e) => [.. e.EnumerateArray().Select(v => v.GetSingle())];

    [Theory]
    [InlineData("sam")]
    [InlineData("asam")]
    public void Ten_steps_equal_the_reference_implementation(string name)
    {
        using var scope = NewDisposeScope();
        JsonElement root = Reference.Value, c = root.GetProperty("cases").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        Tensor x = tensor(Floats(root.GetProperty("x")), [16, 6]), y = tensor(Floats(root.GetProperty("y")), [16, 3]);
        var w = new Parameter(tensor(Floats(root.GetProperty("w0")), [3, 6]));
        var b = new Parameter(tensor(Floats(root.GetProperty("b0")), [3]));
        var options = new SamOptions { Rho = c.GetProperty("rho").GetDouble(), Adaptive = c.GetProperty("adaptive").GetBoolean() };
        var sgd = optim.SGD([w, b], c.GetProperty("lr").GetDouble(), momentum: c.GetProperty("momentum").GetDouble());
        Tensor Loss() => (tanh(x.matmul(w.t()) + b) - y).pow(2).mean();
        foreach (JsonElement expected in c.GetProperty("steps").EnumerateArray())
        {
            sgd.zero_grad();
            Loss().backward();
            var moved = SharpnessAwareMinimization.Perturb([w, b], options);
            sgd.zero_grad();
            Loss().backward();
            SharpnessAwareMinimization.Restore(moved);
            sgd.step();
            AssertClose(Floats(expected.GetProperty("w")), w);
            AssertClose(Floats(expected.GetProperty("b")), b);
        }
    }

    private static void AssertClose(float[] expected, Tensor actual)
    {
        float[] got = actual.detach().data<float>().ToArray();
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(got[i] - expected[i]) <= 1e-6 * Math.Abs(expected[i]) + 1e-6, $"element {i}: {got[i]} vs reference {expected[i]}");
    }

    [Fact]
    public void The_trainer_steps_with_the_gradient_at_the_perturbed_weights()
    {
        using var threads = TrainingFixtures.SingleThread();
        var data = TrainingFixtures.Encode(TrainingFixtures.FashionTrain(8), 8);
        var sam = new SamOptions { Rho = 0.5 };
        float[] viaTrainer;
        using (var model = TrainingFixtures.Model(TrainingFixtures.MicroVit))
        using (var trainer = new Trainer(model, new TrainerOptions { Epochs = 1, BatchSize = 8, Workers = 1, Optimizer = Optimizers.Sgd(0.1), Sam = sam }))
        {
            trainer.Fit(data);
            viaTrainer = [.. model.parameters().SelectMany(p => p.detach().data<float>().ToArray())];
        }

        // By hand: the same batch (one step, no shuffling effect with a single batch), gradient at w + e_w, SGD from w.
        float[] byHand, plainSgd;
        using (var model = TrainingFixtures.Model(TrainingFixtures.MicroVit))
        using (var loader = TrainingFixtures.Loader(data, 8, shuffle: false))
        {
            Tensor images = empty(0), labels = empty(0);
            foreach (Batch batch in loader.Epoch(0)) (images, labels) = (batch.Images.clone(), batch.Labels.clone()); // the batch is valid only inside the loop
            var ps = model.parameters().ToList();
            Tensor Loss() => nn.functional.cross_entropy(model.call(images), labels);
            model.train();
            Loss().backward();
            using (no_grad()) plainSgd = [.. ps.SelectMany(p => (p - 0.1 * p.grad!).data<float>().ToArray())];
            var moved = SharpnessAwareMinimization.Perturb(ps, sam);
            foreach (var p in ps) p.grad!.zero_();
            Loss().backward();
            SharpnessAwareMinimization.Restore(moved);
            using (no_grad()) byHand = [.. ps.SelectMany(p => (p - 0.1 * p.grad!).data<float>().ToArray())];
        }
        Assert.Equal(byHand.Length, viaTrainer.Length);
        Assert.True(byHand.Zip(viaTrainer).All(p => Math.Abs(p.First - p.Second) < 1e-6), "the trainer's SAM step differs from the hand-made one");
        Assert.False(plainSgd.Zip(viaTrainer).All(p => Math.Abs(p.First - p.Second) < 1e-6), "SAM must differ from a plain SGD step");
    }

    [Fact]
    public void Options_that_sam_cannot_honour_are_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => new TrainerOptions { Sam = new SamOptions { Rho = 0 }, GradientAccumulation = 2, Precision = TrainingPrecision.Float16 }.Validate());
        Assert.Contains("SamOptions.Rho must be positive", e.Message);
        Assert.Contains("Sam needs GradientAccumulation 1", e.Message);
        Assert.Contains("Sam runs in Float32 or BFloat16, not with the fp16 loss scaler", e.Message);
    }

    [Fact]
    public void Sam_trains_with_bf16_master_weights()
    {
        using var threads = TrainingFixtures.SingleThread();
        var data = TrainingFixtures.Encode(TrainingFixtures.FashionTrain(64));
        FitResult Run(SamOptions? sam)
        {
            using var model = TrainingFixtures.Model(TrainingFixtures.FashionVit());
            using var trainer = new Trainer(model, new TrainerOptions
            {
                Epochs = 3, BatchSize = 16, Workers = 1, Precision = TrainingPrecision.BFloat16, Optimizer = Optimizers.AdamW(3e-3), Sam = sam,
            });
            return trainer.Fit(data);
        }
        FitResult withSam = Run(new SamOptions { Rho = 0.05 }), without = Run(null);
        Assert.True(withSam.History[^1].TrainLoss < withSam.History[0].TrainLoss, $"train loss {withSam.History[0].TrainLoss} -> {withSam.History[^1].TrainLoss}");
        Assert.NotEqual(without.History[^1].TrainLoss, withSam.History[^1].TrainLoss); // the second pass changed the steps
    }
}
