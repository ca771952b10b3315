using FineTune.Vision.Adaptation;
using FineTune.Vision.Models;
using FineTune.Vision.Optim;
using FineTune.Vision.Tests.Data;
using FineTune.Vision.Tests.Models;
using FineTune.Vision.Tests.Training;
using FineTune.Vision.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Tests.Cuda;

/// <summary>
/// The library on a CUDA device against the same work on the CPU: forward parity per family, a training step, mixed
/// precision with the loss scaler, checkpoint and resume, LoRA, activation checkpointing with drop path. Skipped (with
/// the reason) where there is no CUDA device; tolerances allow cuDNN's TF32 convolutions and the GPU's summation order.
/// </summary>
[Trait("Category", "Cuda")]
public sealed class CudaTests
{
    private static Device Gpu => CUDA;

    public static TheoryData<string> Families => ForwardTests.Families;

    [CudaTheory]
    [MemberData(nameof(Families))]
    public void Forward_on_cuda_equals_the_cpu(string family)
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        using VisionModel model = ForwardTests.Tiny(family);
        model.eval();
        Tensor x = randn(3, 3, 32, 32);
        Tensor cpu;
        using (no_grad()) cpu = model.call(x);
        model.to(Gpu);
        Tensor gpu;
        using (no_grad()) gpu = model.call(x.to(Gpu)).cpu();
        Assert.True(cpu.allclose(gpu, rtol: 1e-3, atol: 1e-3), $"{family}: max |cpu - cuda| = {(cpu - gpu).abs().max().item<float>()}");
    }

    [CudaFact]
    public void A_training_step_on_cuda_equals_the_cpus()
    {
        using var threads = TrainingFixtures.SingleThread();
        float[] Run(Device device)
        {
            using var model = TrainingFixtures.Model(TrainingFixtures.FashionVit());
            using var trainer = new Trainer(model, new TrainerOptions { Epochs = 1, MaxSteps = 3, BatchSize = 8, Workers = 1, Device = device, Optimizer = Optimizers.Sgd(0.05) });
            trainer.Fit(TrainingFixtures.Encode(TrainingFixtures.FashionTrain(32)));
            return [.. model.parameters().SelectMany(p => p.detach().cpu().data<float>().ToArray())];
        }
        float[] cpu = Run(CPU), gpu = Run(Gpu);
        double worst = cpu.Zip(gpu).Max(p => Math.Abs(p.First - p.Second));
        Assert.True(worst < 1e-3, $"max parameter difference after 3 SGD steps: {worst}");
    }

    [CudaFact]
    public void Nccl_with_one_rank_reduces_and_broadcasts_cuda_tensors_and_trains_like_no_group()
    {
        // Issue 19's NCCL backend on one rank (no MPI: the host group is Single): every collective of a world of one
        // leaves the data as it is, through libnccl's real calls on the default stream (fp32, bf16, fp16); a trainer given
        // the group trains as without one. Two-rank NCCL needs two GPUs and MPI, which the device machines do not have.
        using var group = new FineTune.Vision.Distributed.NcclProcessGroup(FineTune.Vision.Distributed.ProcessGroup.Single, Gpu);
        Assert.StartsWith("NCCL ", group.Backend);
        Assert.Equal((0, 1), (group.Rank, group.Size));
        using var scope = NewDisposeScope();
        foreach (ScalarType dtype in new[] { ScalarType.Float32, ScalarType.BFloat16, ScalarType.Float16 })
        {
            Tensor x = arange(0, 1000, dtype: ScalarType.Float32).div(7).to(dtype).to(Gpu);
            Tensor expected = x.clone();
            group.AllReduce(x, FineTune.Vision.Distributed.ReduceOperation.Sum);
            Assert.True(x.equal(expected).item<bool>(), $"{dtype}: a one-rank sum changed the tensor");
            group.AllReduce(x, FineTune.Vision.Distributed.ReduceOperation.Average);
            Assert.True(x.equal(expected).item<bool>(), $"{dtype}: a one-rank average changed the tensor");
            group.Broadcast(x);
            Assert.True(x.equal(expected).item<bool>(), $"{dtype}: a one-rank broadcast changed the tensor");
        }
        group.Barrier();

        using var threads = TrainingFixtures.SingleThread();
        float[] Run(FineTune.Vision.Distributed.ProcessGroup processGroup)
        {
            using var model = TrainingFixtures.Model(TrainingFixtures.FashionVit());
            using var trainer = new Trainer(model, new TrainerOptions
            {
                Epochs = 1, MaxSteps = 3, BatchSize = 8, Workers = 1, Device = Gpu, Optimizer = Optimizers.Sgd(0.05), ProcessGroup = processGroup,
            });
            trainer.Fit(TrainingFixtures.Encode(TrainingFixtures.FashionTrain(32)));
            return [.. model.parameters().SelectMany(p => p.detach().cpu().data<float>().ToArray())];
        }
        float[] alone = Run(FineTune.Vision.Distributed.ProcessGroup.Single), nccl = Run(group);
        double worst = alone.Zip(nccl).Max(p => Math.Abs(p.First - p.Second));
        Assert.True(worst < 1e-5, $"max parameter difference after 3 steps, NCCL group of one against no group: {worst}");
    }

    [CudaTheory]
    [InlineData(TrainingPrecision.BFloat16)]
    [InlineData(TrainingPrecision.Float16)]
    public void Mixed_precision_trains_on_cuda(TrainingPrecision precision)
    {
        using var model = TrainingFixtures.Model(TrainingFixtures.FashionVit());
        var recorder = new Recorder();
        using var trainer = new Trainer(model, new TrainerOptions
        {
            Epochs = 3, BatchSize = 16, Workers = 1, Device = Gpu, Precision = precision, Optimizer = Optimizers.AdamW(3e-3), Callbacks = { recorder },
        });
        FitResult result = trainer.Fit(TrainingFixtures.Encode(TrainingFixtures.FashionTrain(128)));
        Assert.All(recorder.Losses, l => Assert.True(double.IsFinite(l)));
        Assert.True(result.History[^1].TrainLoss < result.History[0].TrainLoss, $"train loss {result.History[0].TrainLoss} -> {result.History[^1].TrainLoss}");
        if (precision == TrainingPrecision.Float16) Assert.NotNull(trainer.LossScaler);
        Assert.Equal(DeviceType.CUDA, model.parameters().First().device_type);
    }

    [CudaFact]
    public void Checkpoint_and_resume_on_cuda_continue_the_run()
    {
        using var dir = new TempDir();
        var train = TrainingFixtures.Encode(TrainingFixtures.FashionTrain(64));
        TrainerOptions Options() => new() { Epochs = 4, BatchSize = 16, Workers = 1, Device = Gpu, Optimizer = Optimizers.AdamW(1e-3), Seed = 2 };
        float[] straight;
        using (var model = TrainingFixtures.Model(TrainingFixtures.FashionVit()))
        using (var trainer = new Trainer(model, Options()))
        {
            trainer.Fit(train);
            straight = [.. model.parameters().SelectMany(p => p.detach().cpu().data<float>().ToArray())];
        }
        string path = Path.Combine(dir.Path, "ckpt.safetensors");
        using (var model = TrainingFixtures.Model(TrainingFixtures.FashionVit()))
        using (var trainer = new Trainer(model, Options() with { Epochs = 2 }))
        {
            trainer.Fit(train);
            trainer.SaveCheckpoint(path);
        }
        using (var model = TrainingFixtures.Model(TrainingFixtures.FashionVit(), seed: 9))
        using (var trainer = new Trainer(model, Options()))
        {
            trainer.LoadCheckpoint(path);
            trainer.Fit(train);
            float[] resumed = [.. model.parameters().SelectMany(p => p.detach().cpu().data<float>().ToArray())];
            double worst = straight.Zip(resumed).Max(p => Math.Abs(p.First - p.Second));
            Assert.True(worst < 1e-5, $"resumed run differs from the straight one by {worst}");
        }
    }

    [CudaTheory]
    [MemberData(nameof(Families))]
    public void Lora_merges_on_cuda(string family)
    {
        using var scope = NewDisposeScope();
        using VisionModel model = ForwardTests.Tiny(family);
        LoraAdapters lora = Lora.Apply(model, new LoraOptions { Rank = 4, Seed = 1 });
        model.to(Gpu);
        foreach (var (_, p) in model.named_parameters().Where(p => p.name.Contains("lora_B", StringComparison.Ordinal)))
            using (no_grad()) p.normal_(0, 0.02);
        model.eval();
        Tensor x = randn(2, 3, 32, 32, device: Gpu);
        Tensor before, after;
        using (no_grad()) before = model.call(x).cpu();
        lora.Merge();
        using (no_grad()) after = model.call(x).cpu();
        Assert.True(before.allclose(after, rtol: 1e-3, atol: 1e-4), $"{family}: max |unmerged - merged| = {(before - after).abs().max().item<float>()}");
    }

    [CudaFact]
    public void Activation_checkpointing_replays_drop_path_on_cuda_and_refuses_dropout()
    {
        using var scope = NewDisposeScope();
        (float Loss, float[] Grads) Step(bool checkpointing)
        {
            manual_seed(4);
            using var model = new VisionTransformer(TinyModels.Vit with { DropPathRate = 0.5 });
            model.to(Gpu);
            model.train();
            model.GradCheckpointing = checkpointing;
            manual_seed(5);
            Tensor loss = model.call(randn(4, 3, 32, 32).to(Gpu)).square().mean();
            loss.backward();
            return (loss.item<float>(), [.. model.parameters().Where(p => p.grad is not null).SelectMany(p => p.grad!.cpu().data<float>().ToArray())]);
        }
        var plain = Step(false);
        var checkpointed = Step(true);
        Assert.Equal(plain.Loss, checkpointed.Loss, 5);
        Assert.True(plain.Grads.Zip(checkpointed.Grads).All(p => Math.Abs(p.First - p.Second) < 1e-5), "gradients differ with checkpointing");

        using var withDropout = new VisionTransformer(TinyModels.Vit with { AttnDropRate = 0.1 });
        withDropout.to(Gpu);
        withDropout.train();
        withDropout.GradCheckpointing = true;
        var e = Assert.Throws<NotSupportedException>(() => withDropout.call(randn(2, 3, 32, 32, device: Gpu, requires_grad: true)));
        Assert.Contains("dropout", e.Message);
    }
}
