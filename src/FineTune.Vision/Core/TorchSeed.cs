using TorchSharp;

namespace FineTune.Vision.Core;

/// <summary>
/// Seeded initialisation. TorchSharp seeds torch's global CPU generator from a random value at start-up (measured:
/// <c>torch.random.initial_seed()</c> differs in every process, unlike PyTorch's fixed default), so weights drawn
/// without a seed differ between two runs of the same program. <see cref="Scope"/> seeds the global CPU generator for
/// a block and restores its previous state afterwards, so a seeded draw is repeatable and the caller's own random
/// stream continues as if nothing had been drawn. A CUDA generator is seeded too (when CUDA is present) but not
/// restored: TorchSharp has no CUDA generator state.
/// </summary>
public static class TorchSeed
{
    /// <summary>Seeds torch's generators with <paramref name="seed"/> until the returned scope is disposed.</summary>
    public static IDisposable Scope(long seed) => new SeedScope(seed);

    private sealed class SeedScope : IDisposable
    {
        private readonly torch.Tensor _state;
        private bool _disposed;

        public SeedScope(long seed)
        {
            _state = torch.random.get_rng_state().DetachFromDisposeScope();
            torch.random.manual_seed(seed);
            if (torch.cuda.is_available()) torch.cuda.manual_seed_all(seed);
        }

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            torch.random.set_rng_state(_state);
            _state.Dispose();
        }
    }
}
