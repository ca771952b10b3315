namespace FineTune.Vision.Core;

/// <summary>
/// Deterministic seeds for per-sample and per-epoch random generators: SplitMix64 over (seed, epoch, index).
/// The same inputs give the same seed in every process (unlike <see cref="HashCode"/>), so shuffles and
/// augmentations are reproducible and resumable whatever the number of worker threads.
/// </summary>
public static class SeedMixer
{
    /// <summary>One SplitMix64 step: a well-mixed 64-bit value from <paramref name="x"/>.</summary>
    public static ulong SplitMix64(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    /// <summary>A 32-bit seed from a base seed and any number of coordinates (epoch, sample index, stream, ...).</summary>
    public static int Mix(long seed, params ReadOnlySpan<long> coordinates)
    {
        ulong h = SplitMix64((ulong)seed);
        foreach (long c in coordinates) h = SplitMix64(h ^ (ulong)c);
        return (int)(h >> 33);
    }

    /// <summary>A new <see cref="Random"/> seeded from (seed, coordinates...).</summary>
    public static Random Create(long seed, params ReadOnlySpan<long> coordinates) => new(Mix(seed, coordinates));
}
