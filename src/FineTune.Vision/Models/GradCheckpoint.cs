using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Models;

/// <summary>
/// Activation (gradient) checkpointing of a sequence of blocks, as timm's <c>checkpoint_seq</c> over
/// <c>torch.utils.checkpoint</c> (reentrant form): each block's forward runs without recording its graph and keeps only
/// its input; the backward runs the block again with the graph on and back-propagates through it. Memory for
/// activations falls from every intermediate of every block to one input per block, for one more forward per step.
/// </summary>
/// <remarks>
/// Random draws inside a block (dropout, drop path) are replayed exactly: the CPU generator's state at the forward is
/// restored for the recomputation and the current state put back afterwards. Drop path draws its per-sample masks from
/// the CPU generator on every device (<see cref="DropPath"/>), so it is replayed on CUDA too. Dropout draws its masks on
/// the tensor's device, and TorchSharp 0.107 does not expose the CUDA generator's state, so a block with active dropout
/// on a CUDA device is refused rather than given different masks in its recomputation.
/// </remarks>
internal static class GradCheckpoint
{
    /// <summary>
    /// <paramref name="x"/> through <paramref name="blocks"/> in order, each block checkpointed when gradients are being
    /// recorded; otherwise plain calls.
    /// </summary>
    /// <param name="blocks">The blocks.</param>
    /// <param name="x">The input of the first block.</param>
    /// <param name="stochastic">Whether the blocks draw random numbers in training (dropout or drop path above zero).</param>
    /// <param name="deviceRandom">Whether some of those draws use the tensor's device generator (dropout); drop path alone uses the CPU's.</param>
    public static Tensor Sequence(IEnumerable<nn.Module<Tensor, Tensor>> blocks, Tensor x, bool stochastic, bool deviceRandom = true)
    {
        foreach (var block in blocks) x = Run(block, x, stochastic, deviceRandom);
        return x;
    }

    /// <summary>
    /// <paramref name="x"/> through a <see cref="TorchSharp.Modules.Sequential"/> of blocks: each block checkpointed when
    /// <paramref name="checkpoint"/>, else the container's own call.
    /// </summary>
    public static Tensor Sequence(TorchSharp.Modules.Sequential blocks, Tensor x, bool checkpoint, bool stochastic, bool deviceRandom = true) =>
        checkpoint ? Sequence(blocks.children().Cast<nn.Module<Tensor, Tensor>>(), x, stochastic, deviceRandom) : blocks.call(x);

    /// <summary><paramref name="block"/>(<paramref name="x"/>), checkpointed when gradients are being recorded.</summary>
    public static Tensor Run(nn.Module<Tensor, Tensor> block, Tensor x, bool stochastic, bool deviceRandom = true)
    {
        // The parameters are looked at only when the input alone does not decide (a frozen stem, or no graph at all).
        if (!is_grad_enabled() || !(x.requires_grad || block.parameters().Any(p => p.requires_grad))) return block.call(x);
        bool random = stochastic && block.training;
        if (random && deviceRandom && x.device_type != DeviceType.CPU)
            throw new NotSupportedException(
                $"Gradient checkpointing of blocks with dropout on {x.device_type} needs that device's random generator state, which TorchSharp 0.107 does not expose. " +
                "Set AttnDropRate and ProjDropRate to 0 (drop path is fine: its masks come from the CPU generator), or turn GradCheckpointing off.");
        // The node joins the graph only through a tensor input that requires grad: the blocks' parameters are not its
        // inputs (their gradients accumulate in the recomputation's backward). A frozen stem (LoRA, head-only) gives an
        // input without grad, so stand in a detached alias that has one; its gradient is dropped.
        bool inputNeedsGrad = x.requires_grad;
        Tensor input = inputNeedsGrad ? x : x.detach().requires_grad_(true);
        var saved = new Saved(block, random ? torch.random.get_rng_state() : null, inputNeedsGrad);
        return CheckpointFunction.apply(input, saved);
    }

    /// <summary>What the backward needs besides the input: the block, the generator state of the forward, and whether the input wants its gradient.</summary>
    private sealed record Saved(nn.Module<Tensor, Tensor> Block, Tensor? RngState, bool InputNeedsGrad);

    /// <summary>The autograd node: forward without a graph, backward by recomputation.</summary>
    private sealed class CheckpointFunction : autograd.SingleTensorFunction<CheckpointFunction>
    {
        public override string Name => "CheckpointFunctionBackward";

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var (x, saved) = ((Tensor)vars[0], (Saved)vars[1]);
            ctx.save_for_backward([x]);
            ctx.save_data(nameof(Saved), saved);
            // Autograd is off here, so no graph keeps the intermediates; this scope lets go of their handles at once
            // (the step's scope would hold them, and the memory, until the step ends).
            using var scope = NewDisposeScope();
            return saved.Block.call(x).MoveToOuterDisposeScope();
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
        {
            var saved = (Saved)ctx.get_data(nameof(Saved));
            // Our own scope: the recomputed activations must go when this block's backward is done, not at the end of the step.
            using var scope = NewDisposeScope();
            Tensor x = ctx.get_saved_variables()[0];
            Tensor? current = null;
            if (saved.RngState is not null)
            {
                current = torch.random.get_rng_state();
                torch.random.set_rng_state(saved.RngState);
            }
            Tensor input = x.detach().requires_grad_(true);
            try
            {
                using (enable_grad())
                {
                    Tensor y = saved.Block.call(input);
                    autograd.backward([y], [grad_output]);
                }
            }
            finally
            {
                if (current is not null) torch.random.set_rng_state(current);
            }
            Tensor? grad = saved.InputNeedsGrad ? input.grad?.MoveToOuterDisposeScope() : null;
            return [grad!, null!];
        }
    }
}
