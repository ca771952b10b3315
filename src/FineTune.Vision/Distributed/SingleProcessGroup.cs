using static TorchSharp.torch;

namespace FineTune.Vision.Distributed;

/// <summary>A world of one: every collective leaves the data as it is.</summary>
internal sealed class SingleProcessGroup : ProcessGroup
{
    public override int Rank => 0;

    public override int Size => 1;

    public override string Backend => "single process";

    public override void AllReduce(Tensor tensor, ReduceOperation operation = ReduceOperation.Sum)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (operation == ReduceOperation.Average && !tensor.is_floating_point())
            throw new ArgumentException($"{ReduceOperation.Average} needs a floating-point tensor (was {tensor.dtype}).", nameof(operation));
    }

    public override void Broadcast(Tensor tensor, int root = 0)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        CheckRoot(root);
    }

    public override void Barrier() { }

    public override long[] AllGather(long value) => [value];

    public override double[] AllGather(double value) => [value];

    internal override byte[] BroadcastBytes(byte[] data, int root = 0)
    {
        CheckRoot(root);
        return data;
    }
}
