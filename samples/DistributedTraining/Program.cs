using System.Diagnostics;
using System.Globalization;
using FineTune.Vision.Data;
using FineTune.Vision.Distributed;
using FineTune.Vision.Imaging;
using FineTune.Vision.Models;
using FineTune.Vision.Optim;
using FineTune.Vision.Samples;
using FineTune.Vision.Training;
using TorchSharp;

// Data-parallel training with no distributed code in the program: the Trainer joins the process group the launcher
// started (docs/distributed.md). Alone it trains as one process; under MPICH's launcher it trains on every rank:
//   dotnet run --project samples/DistributedTraining -c Release -- [--steps 12] [--batch 8] [--threads 1]
//   mpiexec.mpich -n 2 dotnet samples/DistributedTraining/bin/Release/net10.0/DistributedTraining.dll [same options]
//   mpiexec.mpich -n 2 dotnet .../DistributedTraining.dll --allreduce      (all-reduce bandwidth, 1-100 MB)
// It trains a vit_tiny_patch16_224-sized ViT (5.7 M parameters) on synthetic 224x224 images and prints, on rank 0,
// the images per second of all ranks together over the steps after the first two.
const string Usage = "usage: DistributedTraining [--steps N] [--batch B (per rank)] [--threads T] [--allreduce]";
int steps = 12, batch = 8, threads = 1;
bool allReduce = false;
for (int i = 0; i < args.Length; i++)
{
    int Next() => i + 1 < args.Length && int.TryParse(args[++i], CultureInfo.InvariantCulture, out int v) && v > 0 ? v : throw new ArgumentException($"{args[i - 1]} needs a positive integer.");
    try
    {
        switch (args[i])
        {
            case "--steps": steps = Next(); break;
            case "--batch": batch = Next(); break;
            case "--threads": threads = Next(); break;
            case "--allreduce": allReduce = true; break;
            default: throw new ArgumentException($"unknown option '{args[i]}'.");
        }
    }
    catch (ArgumentException e)
    {
        Console.Error.WriteLine($"error: {e.Message}\n{Usage}");
        return 2;
    }
}
return EntryPoint.RunProgram(() =>
{
    torch.set_num_threads(threads);
    ProcessGroup group = ProcessGroup.FromEnvironment();
    if (allReduce) AllReduceBandwidth(group);
    else Train(group, steps, batch);
    return 0;
});

static void Train(ProcessGroup group, int steps, int batch)
{
    var config = new VitConfig { ImgSize = 224, PatchSize = 16, EmbedDim = 192, Depth = 12, NumHeads = 3, NumClasses = 10 };
    torch.manual_seed(1);
    using var model = new VisionTransformer(config);
    var random = new Random(3);
    var images = new List<RgbImage>();
    var labels = new List<int>();
    for (int i = 0; i < 64; i++)
    {
        var rgb = new byte[224 * 224 * 3];
        random.NextBytes(rgb);
        images.Add(new RgbImage(224, 224, rgb));
        labels.Add(i % 10);
    }
    var data = new InMemoryDataset(images, labels, [.. Enumerable.Range(0, 10).Select(c => $"class {c}")]);
    var timer = new StepTimer(skip: 2);
    var options = new TrainerOptions
    {
        Epochs = 1000, MaxSteps = steps, BatchSize = batch, Workers = 1, Optimizer = Optimizers.AdamW(1e-4), Seed = 1,
        Callbacks = { timer },
    };
    using var trainer = new Trainer(model, options);
    trainer.Fit(data.WithUInt8(224, 224));
    double imagesPerSecond = timer.Steps * batch * group.Size / timer.Elapsed.TotalSeconds;
    if (group.IsMain)
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{group.Size} rank(s) × {torch.get_num_threads()} thread(s), batch {batch} per rank ({group.Backend}): {imagesPerSecond:F2} images/s over {timer.Steps} steps ({timer.Elapsed.TotalSeconds / timer.Steps:F3} s/step)"));
}

static void AllReduceBandwidth(ProcessGroup group)
{
    foreach (int megabytes in new[] { 1, 4, 16, 64, 100 })
    {
        using var buffer = torch.ones(megabytes * 1_000_000L / 4, torch.ScalarType.Float32);
        group.AllReduce(buffer);
        group.Barrier();
        const int repeats = 5;
        long start = Stopwatch.GetTimestamp();
        for (int r = 0; r < repeats; r++) group.AllReduce(buffer);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds / repeats;
        // Bus bandwidth (NCCL's convention): algorithm bandwidth × 2(N−1)/N, what each link carries in a ring.
        double algorithm = megabytes / 1000.0 / seconds, bus = algorithm * 2 * (group.Size - 1) / group.Size;
        if (group.IsMain)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"all-reduce {megabytes,3} MB over {group.Size} rank(s): {seconds * 1000:F2} ms, algorithm bandwidth {algorithm:F2} GB/s, bus bandwidth {bus:F2} GB/s"));
    }
}

/// <summary>Wall time of the optimizer steps after the first <c>skip</c> (warm-up: allocations, first MPI connections).</summary>
internal sealed class StepTimer(int skip) : Callback
{
    private long _start;

    public int Steps { get; private set; }

    public TimeSpan Elapsed { get; private set; }

    public override void OnAfterStep(TrainingContext context)
    {
        if (context.Step == skip) _start = Stopwatch.GetTimestamp();
        else if (context.Step > skip) (Steps, Elapsed) = ((int)context.Step - skip, Stopwatch.GetElapsedTime(_start));
    }
}
