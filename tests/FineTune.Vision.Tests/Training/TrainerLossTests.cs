using FineTune.Vision.Models;
using FineTune.Vision.Optim;
using FineTune.Vision.Tests.Data;
using FineTune.Vision.Training;
using FineTune.Vision.Training.Losses;
using FineTune.Vision.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Tests.Training;

/// <summary>The trainer's loss seam: custom losses, the default's equivalence, distillation of a distilled DeiT, AGC.</summary>
public sealed class TrainerLossTests : IDisposable
{
    private readonly IDisposable _threads = TrainingFixtures.SingleThread();

    /// <summary>Restores the intra-op thread count.</summary>
    public void Dispose() => _threads.Dispose();

    /// <summary>The custom loss of docs/training.md: cross entropy plus a penalty on large logits.</summary>
    private sealed class LogitPenaltyLoss(double weight) : LossFunction
    {
        public List<long[]> ImageShapes { get; } = [];

        public override Tensor Forward(LossInput input)
        {
            ImageShapes.Add(input.Images!.shape);
            using var scope = torch.NewDisposeScope();
            Tensor logits = input.Logits.to(ScalarType.Float32);
            Tensor loss = nn.functional.cross_entropy(logits, input.Labels) + weight * logits.pow(2).mean();
            return loss.MoveToOuterDisposeScope();
        }
    }

    private static (Tensor Images, Tensor Labels) FirstBatch(FineTune.Vision.Data.DataLoader loader) =>
        loader.Epoch(0).Select(b => (b.Images.clone(), b.Labels.clone())).First();

    private static VitConfig Small(VitConfig c) => c with { ImgSize = 28, PatchSize = 7, EmbedDim = 32, Depth = 1, NumHeads = 2, NumClasses = 10, DropRate = 0, DropPathRate = 0 };

    [Fact]
    public void A_custom_loss_gets_the_images_and_its_value_is_what_the_trainer_backpropagates()
    {
        using var model = TrainingFixtures.Model(TrainingFixtures.FashionVit());
        var source = TrainingFixtures.Encode(TrainingFixtures.FashionTrain(16));
        using var train = TrainingFixtures.Loader(source, 8, shuffle: false);
        double expected;
        using (var scope = NewDisposeScope())
        {
            (Tensor images, Tensor labels) = FirstBatch(train);
            Tensor logits = model.call(images);
            expected = (nn.functional.cross_entropy(logits, labels) + 0.5 * logits.pow(2).mean()).item<float>();
        }
        var loss = new LogitPenaltyLoss(0.5);
        var recorder = new Recorder();
        using var trainer = new Trainer(model, new TrainerOptions { Epochs = 1, Optimizer = Optimizers.Sgd(0.1), Loss = loss, Callbacks = { recorder } });
        trainer.Fit(train);
        Assert.Equal([[8, 3, 28, 28], [8, 3, 28, 28]], loss.ImageShapes);
        Assert.Equal(expected, recorder.Losses[0], 5);
        Assert.NotEqual(recorder.Losses[0], recorder.Losses[1]);
    }

    [Fact]
    public void The_label_smoothing_loss_object_trains_exactly_as_the_label_smoothing_option()
    {
        (List<double> Losses, float[] Weights) Run(TrainerOptions options)
        {
            using var model = TrainingFixtures.Model(TrainingFixtures.FashionVit());
            using var train = TrainingFixtures.Loader(TrainingFixtures.Encode(TrainingFixtures.FashionTrain(24)), 8, shuffle: true);
            var recorder = new Recorder();
            using var trainer = new Trainer(model, options with { Epochs = 1, Optimizer = Optimizers.AdamW(1e-3), Callbacks = [recorder] });
            trainer.Fit(train);
            return (recorder.Losses, model.parameters().First().data<float>().ToArray());
        }
        var byOption = Run(new TrainerOptions { LabelSmoothing = 0.1 });
        var byLoss = Run(new TrainerOptions { Loss = new LabelSmoothingCrossEntropy(0.1) });
        var unsmoothed = Run(new TrainerOptions());
        Assert.Equal(byOption.Losses, byLoss.Losses);
        Assert.Equal(byOption.Weights, byLoss.Weights);
        Assert.NotEqual(byOption.Losses[0], unsmoothed.Losses[0]);
    }

    [Fact]
    public void A_loss_and_the_label_smoothing_option_together_are_rejected()
    {
        var options = new TrainerOptions { LabelSmoothing = 0.1, Loss = new FocalLoss() };
        var e = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("LabelSmoothing", e.Message);
        Assert.Contains("FocalLoss", e.Message);
        Assert.Throws<ArgumentException>(() => new TrainerOptions { ClipGradAgc = 0 }.Validate());
        Assert.Throws<ArgumentOutOfRangeException>(() => new CrossEntropy(labelSmoothing: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BinaryCrossEntropy(posWeight: []));
    }

    [Fact]
    public void A_distilled_deit_trains_its_class_head_on_the_labels_and_its_distillation_head_on_the_teacher()
    {
        using var student = (VisionTransformerDistilled)VisionModels.Create<VitConfig>("deit_tiny_distilled_patch16_224", Small, seed: 1);
        using var teacher = VisionModels.Create<VitConfig>("deit_tiny_patch16_224", Small, seed: 2);
        using var train = TrainingFixtures.Loader(TrainingFixtures.Encode(TrainingFixtures.FashionTrain(16)), 8, shuffle: false);
        double expected;
        using (var scope = NewDisposeScope())
        {
            (Tensor images, Tensor labels) = FirstBatch(train);
            (Tensor cls, Tensor dist) = student.ForwardDistilled(images);
            Tensor teacherTop = teacher.call(images).argmax(1);
            // DeiT hard distillation, α = 0.3: CE(class head, labels)·0.7 + CE(dist head, teacher argmax)·0.3.
            expected = (nn.functional.cross_entropy(cls, labels) * 0.7 + nn.functional.cross_entropy(dist, teacherTop) * 0.3).item<float>();
            Assert.NotEqual(expected, (nn.functional.cross_entropy((cls + dist) / 2, labels) * 0.7 + nn.functional.cross_entropy((cls + dist) / 2, teacherTop) * 0.3).item<float>(), 4);
        }
        teacher.train();
        using var loss = new DistillationLoss(teacher, DistillationType.Hard, alpha: 0.3);
        Assert.False(teacher.training);
        var recorder = new Recorder();
        using var trainer = new Trainer(student, new TrainerOptions { Epochs = 1, Optimizer = Optimizers.Sgd(0.1), Loss = loss, Callbacks = { recorder } });
        trainer.Fit(train);
        Assert.Equal(expected, recorder.Losses[0], 5);
        Assert.All(teacher.parameters(), p => Assert.Null(p.grad));
    }

    [Fact]
    public void A_teacher_loaded_from_a_model_file_distils_a_plain_student_through_its_logits()
    {
        using var dir = new TempDir();
        string path = dir.File("teacher.ftv");
        using (var saved = VisionModels.Create<VitConfig>("deit_tiny_patch16_224", Small, seed: 3)) saved.Save(path);
        using var student = VisionModels.Create<VitConfig>("deit_tiny_patch16_224", Small, seed: 4);
        using var loss = DistillationLoss.FromFile(path, DistillationType.Soft, alpha: 0.5, tau: 2.0, teacherPrecision: TrainingPrecision.BFloat16);
        Assert.Equal(10, loss.Teacher.NumClasses);
        using var train = TrainingFixtures.Loader(TrainingFixtures.Encode(TrainingFixtures.FashionTrain(16)), 8, shuffle: false);
        double expected;
        using (var scope = NewDisposeScope())
        {
            (Tensor images, Tensor labels) = FirstBatch(train);
            Tensor s = student.call(images), t = loss.Teacher.Module.call(images.to(ScalarType.BFloat16)).to(ScalarType.Float32);
            Tensor kl = (t.div(2).softmax(1) * (t.div(2).log_softmax(1) - s.div(2).log_softmax(1))).sum() * 4 / s.numel();
            expected = (nn.functional.cross_entropy(s, labels) * 0.5 + kl * 0.5).item<float>();
        }
        var recorder = new Recorder();
        using var trainer = new Trainer(student, new TrainerOptions { Epochs = 1, Optimizer = Optimizers.Sgd(0.1), Loss = loss, Callbacks = { recorder } });
        trainer.Fit(train);
        Assert.Equal(expected, recorder.Losses[0], 4);
        Assert.Equal(ScalarType.BFloat16, loss.Teacher.Module.parameters().First().dtype);
        loss.Dispose();                                                     // the loss owns a teacher it loaded
        Assert.Throws<ObjectDisposedException>(() => loss.TeacherLogits(zeros(1, 3, 28, 28)));
        Assert.Throws<InvalidOperationException>(() => loss.Teacher.Module.parameters().First().dtype);
    }

    [Fact]
    public void Agc_bounds_every_units_gradient_by_its_weight_norm()
    {
        List<double> Ratios(double? agc)
        {
            var probe = new UnitRatioProbe();
            using var model = TrainingFixtures.Model(TrainingFixtures.MicroVit);
            using var train = TrainingFixtures.Loader(TrainingFixtures.Encode(TrainingFixtures.FashionTrain(16), 8), 8, shuffle: true);
            using var trainer = new Trainer(model, new TrainerOptions { Epochs = 1, Optimizer = Optimizers.Sgd(0.1), ClipGradAgc = agc, Callbacks = { probe } });
            trainer.Fit(train);
            return probe.MaxRatios;
        }
        Assert.Contains(Ratios(null), r => r > 0.02);
        Assert.All(Ratios(0.01), r => Assert.True(r <= 0.01 * (1 + 1e-4), $"ratio {r}"));
    }

    /// <summary>The largest unit-wise ‖g‖ / max(‖W‖, 1e-3) over all parameters, at each step.</summary>
    private sealed class UnitRatioProbe : Callback
    {
        public List<double> MaxRatios { get; } = [];

        public override void OnBeforeStep(TrainingContext context)
        {
            using var scope = NewDisposeScope();
            double max = 0;
            foreach (var p in context.Optimizer.Parameters.Where(p => p.grad is not null))
            {
                Tensor w = p.detach(), g = p.grad!;
                long[] dims = [.. Enumerable.Range(1, (int)w.dim() - 1).Select(d => (long)d)];
                Tensor wn = w.dim() <= 1 ? w.norm() : linalg.vector_norm(w, 2, dims, true);
                Tensor gn = g.dim() <= 1 ? g.norm() : linalg.vector_norm(g, 2, dims, true);
                max = Math.Max(max, (gn / wn.clamp(min: 1e-3)).max().item<float>());
            }
            MaxRatios.Add(max);
        }
    }
}
