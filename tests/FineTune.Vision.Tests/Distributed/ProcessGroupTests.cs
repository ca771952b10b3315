using System.Collections;
using FineTune.Vision.Data;
using FineTune.Vision.Distributed;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Tests.Distributed;

/// <summary>What of the process group runs in one process: launcher detection, the sampler split, the single group, NCCL's absence.</summary>
public sealed class ProcessGroupTests
{
    [Fact]
    public void Launchers_are_recognised_from_their_variables()
    {
        Assert.Equal(new Launcher("MPICH/Hydra (PMI)", 1, 4), Launcher.Detect(new Hashtable { ["PMI_RANK"] = "1", ["PMI_SIZE"] = "4" }));
        Assert.Equal(new Launcher("Open MPI", 2, 3), Launcher.Detect(new Hashtable { ["OMPI_COMM_WORLD_RANK"] = "2", ["OMPI_COMM_WORLD_SIZE"] = "3" }));
        Assert.Equal(new Launcher("Slurm (srun)", 0, 8), Launcher.Detect(new Hashtable { ["SLURM_PROCID"] = "0", ["SLURM_STEP_NUM_TASKS"] = "8", ["SLURM_NTASKS"] = "8" }));
        Assert.True(new Launcher("Open MPI", 0, 2).IsOpenMpi);
        // A world of one, or a Slurm batch script (no step), is a single process.
        Assert.Null(Launcher.Detect(new Hashtable { ["PMI_RANK"] = "0", ["PMI_SIZE"] = "1" }));
        Assert.Null(Launcher.Detect(new Hashtable { ["SLURM_PROCID"] = "0", ["SLURM_NTASKS"] = "8" }));
        Assert.Null(Launcher.Detect(new Hashtable()));
        var bad = Assert.Throws<InvalidOperationException>(() => Launcher.Detect(new Hashtable { ["PMI_RANK"] = "x", ["PMI_SIZE"] = "2" }));
        Assert.Contains("PMI_RANK", bad.Message);
        Assert.Throws<InvalidOperationException>(() => Launcher.Detect(new Hashtable { ["PMI_RANK"] = "2", ["PMI_SIZE"] = "2" }));
    }

    [Fact]
    public void A_process_without_a_launcher_is_a_world_of_one_whose_collectives_change_nothing()
    {
        Assert.Null(Launcher.Detect()); // the test runner is not launched by MPI
        ProcessGroup group = ProcessGroup.FromEnvironment();
        Assert.Same(ProcessGroup.Single, group);
        Assert.Equal((0, 1, true), (group.Rank, group.Size, group.IsMain));
        using var t = torch.tensor(new float[] { 1, 2, 3 });
        group.AllReduce(t, ReduceOperation.Average);
        group.Broadcast(t);
        group.Barrier();
        Assert.Equal(new float[] { 1, 2, 3 }, t.data<float>().ToArray());
        Assert.Equal(new long[] { 5 }, group.AllGather(5L));
        using var ints = torch.tensor(new long[] { 1 });
        Assert.Throws<ArgumentException>(() => group.AllReduce(ints, ReduceOperation.Average));
        Assert.Throws<ArgumentOutOfRangeException>(() => group.Broadcast(t, root: 1));
    }

    [Theory]
    [InlineData(2, 8, 160)]
    [InlineData(4, 4, 160)]
    [InlineData(3, 5, 100)] // padded: 100 → 102
    public void Ranks_at_batch_B_together_see_the_batches_of_one_process_at_W_times_B(int world, int batch, int count)
    {
        int[] single = DatasetExtensions.Permutation(count, FineTune.Vision.Core.SeedMixer.Create(9, 3));
        var shares = Enumerable.Range(0, world).Select(r => new DistributedSampler { NumReplicas = world, Rank = r }.EpochIndices(count, 3, 9)).ToArray();
        Assert.All(shares, s => Assert.Equal((count + world - 1) / world, s.Length));
        for (int b = 0; b < count / (world * batch); b++)
        {
            int[] together = [.. shares.SelectMany(s => s.Skip(b * batch).Take(batch)).Order()];
            Assert.Equal(single.Skip(b * world * batch).Take(world * batch).Order(), together);
        }
        // Every index is covered; padding repeats the epoch's first indices (PyTorch's DistributedSampler).
        Assert.Equal(Enumerable.Range(0, count), shares.SelectMany(s => s).Distinct().Order());
        Assert.Equal(shares.Sum(s => s.Length) - count, shares.SelectMany(s => s).Count() - shares.SelectMany(s => s).Distinct().Count());
    }

    [Fact]
    public void A_distributed_sampler_splits_an_inner_samplers_epoch()
    {
        var inner = new RepeatAugSampler { Repeats = 2, SelectedRound = 0, SelectedRatio = 1 };
        int[] all = inner.EpochIndices(30, 1, 4);
        int[] r0 = new DistributedSampler { NumReplicas = 2, Rank = 0, Inner = inner }.EpochIndices(30, 1, 4);
        int[] r1 = new DistributedSampler { NumReplicas = 2, Rank = 1, Inner = inner }.EpochIndices(30, 1, 4);
        Assert.Equal(all.Where((_, i) => i % 2 == 0), r0);
        Assert.Equal(all.Where((_, i) => i % 2 == 1), r1);
        Assert.Throws<ArgumentException>(() => new DistributedSampler { NumReplicas = 2, Rank = 2 }.EpochLength(10));
    }

    [Fact]
    public void Without_libnccl_the_nccl_backend_says_what_to_install()
    {
        Assert.False(System.Runtime.InteropServices.NativeLibrary.TryLoad("libnccl.so.2", out _), "this test expects a machine without NCCL");
        var e = Assert.Throws<DllNotFoundException>(NcclLibrary.Load);
        Assert.Contains("libnccl.so.2", e.Message);
        Assert.Contains("FTV_NCCL_LIBRARY", e.Message);
    }

    [Fact]
    public void Gradient_buckets_fuse_small_gradients_and_keep_them_in_one_process()
    {
        using var scope = torch.NewDisposeScope();
        var parameters = Enumerable.Range(0, 6).Select(i => ($"p{i}", new TorchSharp.Modules.Parameter(torch.ones(256) * i))).ToList();
        foreach (var (_, p) in parameters.Take(5)) p.sum().backward();
        using var buckets = new GradientBuckets(ProcessGroup.Single, parameters, bucketBytes: 2048);
        Assert.Equal(3, buckets.Count); // 6 × 1 KiB in buckets of 2 KiB
        Assert.True(buckets.Covers(parameters));
        Assert.True(buckets.Average());
        Assert.False(buckets.Average(localFlag: false));
        Assert.All(parameters.Take(5), p => Assert.Equal(256f, p.Item2.grad!.sum().item<float>()));
        Assert.Null(parameters[5].Item2.grad);
    }

    [Fact]
    public void Tensor_memory_is_the_address_of_the_first_element()
    {
        using var t = torch.arange(10, dtype: ScalarType.Float32);
        using var view = t.narrow(0, 3, 4);
        Assert.Equal(TensorMemory.Address(t) + 12, TensorMemory.Address(view));
        Assert.Equal(3f, BitConverter.Int32BitsToSingle(System.Runtime.InteropServices.Marshal.ReadInt32(TensorMemory.Address(view))));
    }
}
