using System.Security.Cryptography;
using System.Text;
using FineTune.Vision.Data;
using FineTune.Vision.Distributed;
using TorchSharp;
using Parameter = TorchSharp.Modules.Parameter;
using static TorchSharp.torch;

namespace FineTune.Vision.Training;

public sealed partial class Trainer
{
    private ProcessGroup _group = ProcessGroup.Single;
    private GradientBuckets? _gradients;

    /// <summary>
    /// The processes this trainer trains with (<see cref="TrainerOptions.ProcessGroup"/>, else the one the launcher
    /// started, else <see cref="ProcessGroup.Single"/>). With more than one: data-parallel training, see docs/distributed.md.
    /// </summary>
    public ProcessGroup ProcessGroup => _group;

    private bool IsDistributed => _group.Size > 1;

    /// <summary>
    /// Joins the process group (before any copy of the weights is made): every rank must have built the same model
    /// (parameter and buffer names, shapes, dtypes, trainable flags), then rank 0's parameters and buffers replace the others'.
    /// </summary>
    /// <exception cref="InvalidOperationException">The ranks built different models (thrown on every rank).</exception>
    private void JoinProcessGroup()
    {
        _group = Options.ProcessGroup ?? ProcessGroup.FromEnvironment(_device);
        if (!IsDistributed) return;
        var entries = ModuleState.Of(_model.Module).ToList();
        var trainable = _model.Module.named_parameters().Where(p => p.parameter.requires_grad).Select(p => p.name).ToHashSet(StringComparer.Ordinal);
        string signature = string.Join("\n", entries.Select(e =>
            $"{e.Name} {e.Value.dtype} [{string.Join(",", e.Value.shape)}]{(trainable.Contains(e.Name) ? " trainable" : "")}"));
        RefuseDifferences("model", $"{_model.Name}\n{signature}", entries.Count + " tensors");
        using (torch.no_grad())
            foreach (var (_, value) in entries)
            {
                if (value.is_contiguous()) _group.Broadcast(value);
                else
                {
                    using Tensor copy = value.contiguous();
                    _group.Broadcast(copy);
                    value.copy_(copy);
                }
            }
        // The transport moved every byte: the same weights everywhere (a checksum of them, compared over the ranks).
        double checksum = 0;
        using (torch.NewDisposeScope())
        using (torch.no_grad())
            foreach (var (_, value) in entries)
                if (value.is_floating_point()) checksum += value.to(ScalarType.Float64).abs().sum().item<double>();
        double[] sums = _group.AllGather(checksum);
        if (sums.Any(s => s != sums[0] && !(double.IsNaN(s) && double.IsNaN(sums[0]))))
            throw new InvalidOperationException($"The weights differ after the broadcast from rank 0 (checksums {string.Join(", ", sums)}): the transport is broken.");
    }

    /// <summary>
    /// Compares <paramref name="description"/> over the ranks (a SHA-256 of it, then rank 0's text for the message) and
    /// throws on every rank when any differs.
    /// </summary>
    private void RefuseDifferences(string what, string description, string summary)
    {
        long hash = BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes(description)), 0);
        long[] hashes = _group.AllGather(hash);
        int[] different = [.. Enumerable.Range(0, hashes.Length).Where(r => hashes[r] != hashes[0])];
        if (different.Length == 0) return;
        string rootText = Encoding.UTF8.GetString(_group.BroadcastBytes(Encoding.UTF8.GetBytes(description)));
        string detail = _group.IsMain ? "" : " Here: " + FirstDifference(rootText, description);
        throw new InvalidOperationException(
            $"The ranks disagree on the {what}: rank(s) {string.Join(", ", different)} of {_group.Size} differ from rank 0 ({summary} on rank {_group.Rank}).{detail} " +
            "Every rank must build the same model and read the same data (same folders, class lists and options).");
    }

    private static string FirstDifference(string root, string mine)
    {
        string[] a = root.Split('\n'), b = mine.Split('\n');
        for (int i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            string x = i < a.Length ? a[i] : "(nothing)", y = i < b.Length ? b[i] : "(nothing)";
            if (x != y) return $"rank 0 has '{x}', this rank has '{y}'.";
        }
        return "the same text (hash collision).";
    }

    /// <summary>Refuses data that differs between ranks: class names and sizes of the training and validation datasets.</summary>
    private void CheckSameData(DataLoader train, DataLoader? validation)
    {
        if (!IsDistributed) return;
        static string Describe(string role, DataLoader? loader) => loader is null ? $"{role}: none"
            : $"{role}: {loader.Source.Dataset.Count} items, classes [{string.Join(", ", loader.Source.Dataset.ClassNames)}]";
        RefuseDifferences("data", Describe("training", train) + "\n" + Describe("validation", validation),
            $"{train.Source.Dataset.Count} training items, {train.Source.Dataset.ClassNames.Count} classes");
    }

    /// <summary>
    /// The loader a rank trains from: <paramref name="train"/> itself in one process or when it already has a
    /// <see cref="DistributedSampler"/>, else a loader over the same source whose sampler gives this rank its share of
    /// every epoch (the order <paramref name="train"/> would have, split by <see cref="DistributedSampler"/>). Null: no new loader.
    /// </summary>
    private DataLoader? ShardedLoader(DataLoader train)
    {
        if (!IsDistributed) return null;
        switch (train.Options.Sampler)
        {
            case DistributedSampler:
                return null;
            case RepeatAugSampler { NumReplicas: > 1 } ra:
                if (ra.NumReplicas != _group.Size || ra.Rank != _group.Rank)
                    throw new ArgumentException($"The training loader's RepeatAugSampler is set up for rank {ra.Rank} of {ra.NumReplicas}, but this process is rank {_group.Rank} of {_group.Size}.", nameof(train));
                return null; // already this rank's share
        }
        var sampler = new DistributedSampler { NumReplicas = _group.Size, Rank = _group.Rank, Shuffle = train.Options.Shuffle, Inner = train.Options.Sampler };
        DataLoaderOptions o = train.Options;
        return new DataLoader(train.Source, new DataLoaderOptions
        {
            Sampler = sampler, Shuffle = false, BatchSize = o.BatchSize, Seed = o.Seed, DropLast = o.DropLast, Workers = o.Workers,
            PrefetchBatches = o.PrefetchBatches, SkipUnreadable = o.SkipUnreadable, SkipUnreadableSetting = o.SkipUnreadableSetting,
        });
    }

    /// <summary>
    /// Whether any rank asked to stop (a callback's decision may rest on this rank's own batch, e.g. a NaN loss):
    /// the ranks leave the loop together, or the others would wait for it in the next all-reduce.
    /// </summary>
    private void AgreeOnStop()
    {
        if (!IsDistributed) return;
        long[] stops = _group.AllGather(Context.StopRequested ? 1L : 0L);
        int first = Array.IndexOf(stops, 1L);
        if (first >= 0 && !Context.StopRequested) Context.StopTraining(StopKind.Callback, $"rank {first} of {_group.Size} stopped");
    }

    /// <summary>
    /// Averages the trainable parameters' gradients over the ranks (bucketed all-reduce) before the optimizer step;
    /// returns whether every rank's <paramref name="localFinite"/> was true. One process: returns it unchanged.
    /// </summary>
    private bool ReduceGradients(bool localFinite = true)
    {
        if (!IsDistributed) return localFinite;
        List<(string, Parameter)> trainable = [.. _model.Module.named_parameters().Where(p => p.parameter.requires_grad).Select(p => (p.name, p.parameter))];
        if (_gradients is null || !_gradients.Covers(trainable))
        {
            // New layout at the start and after a gradual unfreeze (the trainable set changed on every rank alike).
            _gradients?.Dispose();
            _gradients = new GradientBuckets(_group, trainable, _device.type == DeviceType.CUDA ? GradientBuckets.GpuBucketBytes : GradientBuckets.DefaultBucketBytes);
        }
        return _gradients.Average(localFinite);
    }

    /// <summary>The epoch meter summed over the ranks (loss × samples, correct, samples), so every rank reports the same training metrics.</summary>
    private void ReduceMeter(EpochMeter meter)
    {
        if (!IsDistributed) return;
        EpochMeterState local = meter.State;
        using var sums = torch.tensor(new[] { local.LossSum, local.Correct, local.Samples });
        _group.AllReduce(sums);
        double[] total = sums.data<double>().ToArray();
        meter.Replace(new EpochMeterState(total[0], (long)total[1], (long)total[2]));
    }
}
