using System.Collections;
using System.Globalization;

namespace FineTune.Vision.Distributed;

/// <summary>
/// Which launcher started this process, read from the variables it sets: MPICH/Hydra, Intel MPI and MVAPICH
/// (<c>PMI_RANK</c>/<c>PMI_SIZE</c>), Open MPI (<c>OMPI_COMM_WORLD_RANK</c>/<c>OMPI_COMM_WORLD_SIZE</c>), Slurm's
/// <c>srun</c> (<c>SLURM_PROCID</c>/<c>SLURM_STEP_NUM_TASKS</c>; a batch script, which is not a job step, is not launched). Only the decision to start MPI is taken from here; rank and size
/// then come from MPI itself.
/// </summary>
internal sealed record Launcher(string Name, int Rank, int Size)
{
    /// <summary>The launcher of this process, or null when none (or a world of one) started it.</summary>
    public static Launcher? Detect() => Detect(Environment.GetEnvironmentVariables());

    /// <summary>The launcher described by <paramref name="environment"/> (testable form of <see cref="Detect()"/>).</summary>
    /// <exception cref="InvalidOperationException">A launcher variable is not a number, or the rank is out of range.</exception>
    public static Launcher? Detect(IDictionary environment)
    {
        foreach ((string name, string rankKey, string sizeKey) in Known)
        {
            if (environment[sizeKey] is not string sizeText) continue;
            int size = Parse(sizeKey, sizeText), rank = environment[rankKey] is string r ? Parse(rankKey, r) : 0;
            if (size < 1 || rank < 0 || rank >= size)
                throw new InvalidOperationException($"The launcher variables {rankKey}={rank} and {sizeKey}={size} are inconsistent (0 ≤ rank < size ≥ 1).");
            return size > 1 ? new Launcher(name, rank, size) : null;
        }
        return null;
    }

    /// <summary>Whether the launcher is Open MPI, whose ABI the MPI backend does not bind (docs/distributed.md).</summary>
    public bool IsOpenMpi => Name == OpenMpi;

    private const string OpenMpi = "Open MPI";

    private static readonly (string Name, string Rank, string Size)[] Known =
    [
        ("MPICH/Hydra (PMI)", "PMI_RANK", "PMI_SIZE"),
        (OpenMpi, "OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE"),
        ("Slurm (srun)", "SLURM_PROCID", "SLURM_STEP_NUM_TASKS"),
    ];

    private static int Parse(string key, string text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw new InvalidOperationException($"The launcher variable {key} is '{text}', not an integer.");
}
