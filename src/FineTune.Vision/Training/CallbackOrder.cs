namespace FineTune.Vision.Training;

/// <summary>Named positions of callbacks in each event (lower runs first; equal orders keep list order).</summary>
public static class CallbackOrder
{
    /// <summary>Guards that must see the raw loss first (e.g. terminate on NaN).</summary>
    public const int Guard = -100;

    /// <summary>Ordinary callbacks.</summary>
    public const int Default = 0;

    /// <summary>Callbacks that decide to stop (early stopping).</summary>
    public const int Tracker = 50;

    /// <summary>Callbacks that save (checkpoints), after the decisions of the epoch are made.</summary>
    public const int Saver = 70;

    /// <summary>Callbacks that only report (loggers, progress, plots), last.</summary>
    public const int Logger = 100;
}
