using FineTune.Vision.Optim.Schedules;

namespace FineTune.Vision.Training;

/// <summary>
/// The training state saved beside checkpoint weights: position (epoch and batch), counters, seed, loss scaler,
/// optimizer buffers, the epoch meter of a partial epoch, the plateau schedule, the history and callback states.
/// </summary>
internal sealed class TrainingStateFile
{
    private const string Magic = "FTV-TRAINSTATE";
    private const int Version = 2;

    /// <summary>The epoch to continue with (epochs before it are done).</summary>
    public int CompletedEpochs { get; init; }

    /// <summary>The batch of <see cref="CompletedEpochs"/> to continue with (0: the epoch's start).</summary>
    public int NextBatch { get; init; }
    public long Step { get; init; }
    public long Seed { get; init; }
    public TrainingPrecision Precision { get; init; }
    public double? LossScale { get; init; }
    public int GrowthTracker { get; init; }
    public long SkippedSteps { get; init; }
    public byte[] OptimizerState { get; init; } = [];
    public EpochMeterState Meter { get; init; }
    public ReduceLROnPlateauState? Plateau { get; init; }
    public IReadOnlyList<IReadOnlyDictionary<string, double>> History { get; init; } = [];
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Callbacks { get; init; } = new Dictionary<string, IReadOnlyDictionary<string, string>>();

    /// <summary>Writes the file atomically (temporary file, then rename).</summary>
    public void Write(string path)
    {
        string full = Path.GetFullPath(path);
        string temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        using (var writer = new BinaryWriter(File.Create(temp)))
        {
            writer.Write(Magic);
            writer.Write(Version);
            writer.Write(CompletedEpochs);
            writer.Write(Step);
            writer.Write(Seed);
            writer.Write((int)Precision);
            writer.Write(LossScale.HasValue);
            writer.Write(LossScale ?? 0);
            writer.Write(GrowthTracker);
            writer.Write(SkippedSteps);
            writer.Write(OptimizerState.Length);
            writer.Write(OptimizerState);
            WriteVersion2(writer);
        }
        File.Move(temp, full, overwrite: true);
    }

    private void WriteVersion2(BinaryWriter writer)
    {
        writer.Write(NextBatch);
        writer.Write(Meter.LossSum);
        writer.Write(Meter.Correct);
        writer.Write(Meter.Samples);
        writer.Write(Plateau.HasValue);
        ReduceLROnPlateauState p = Plateau ?? default;
        writer.Write(p.CurrentLr);
        writer.Write(p.Best);
        writer.Write(p.BadReports);
        writer.Write(p.CooldownLeft);
        writer.Write(History.Count);
        foreach (var epoch in History) WriteMap(writer, epoch, (w, v) => w.Write(v));
        writer.Write(Callbacks.Count);
        foreach (var (key, state) in Callbacks)
        {
            writer.Write(key);
            WriteMap(writer, state, (w, v) => w.Write(v));
        }
    }

    private static void WriteMap<T>(BinaryWriter writer, IReadOnlyDictionary<string, T> map, Action<BinaryWriter, T> write)
    {
        writer.Write(map.Count);
        foreach (var (key, value) in map)
        {
            writer.Write(key);
            write(writer, value);
        }
    }

    private static Dictionary<string, T> ReadMap<T>(BinaryReader reader, Func<BinaryReader, T> read)
    {
        int count = reader.ReadInt32();
        var map = new Dictionary<string, T>(count, StringComparer.Ordinal);
        for (int i = 0; i < count; i++) map[reader.ReadString()] = read(reader);
        return map;
    }

    /// <exception cref="InvalidDataException">Not a training-state file, another version, or truncated.</exception>
    public static TrainingStateFile Read(string path)
    {
        if (!File.Exists(path)) throw new InvalidDataException($"Training-state file '{path}' does not exist; save checkpoints with Trainer.SaveCheckpoint (or ModelCheckpoint) to resume.");
        using var reader = new BinaryReader(File.OpenRead(path));
        try
        {
            if (reader.ReadString() != Magic) throw new InvalidDataException($"'{path}' is not a FineTune.Vision training-state file.");
            int version = reader.ReadInt32();
            if (version is < 1 or > Version) throw new InvalidDataException($"'{path}' has training-state version {version}; this library reads versions 1 to {Version}.");
            int epochs = reader.ReadInt32();
            long step = reader.ReadInt64(), seed = reader.ReadInt64();
            var precision = (TrainingPrecision)reader.ReadInt32();
            bool hasScale = reader.ReadBoolean();
            double scale = reader.ReadDouble();
            int tracker = reader.ReadInt32();
            long skipped = reader.ReadInt64();
            byte[] optimizer = reader.ReadBytes(reader.ReadInt32());
            var state = new TrainingStateFile
            {
                CompletedEpochs = epochs, Step = step, Seed = seed, Precision = precision, LossScale = hasScale ? scale : null,
                GrowthTracker = tracker, SkippedSteps = skipped, OptimizerState = optimizer,
            };
            return version == 1 ? state : ReadVersion2(reader, state);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"Training-state file '{path}' is truncated.", e);
        }
    }

    private static TrainingStateFile ReadVersion2(BinaryReader reader, TrainingStateFile v1)
    {
        int nextBatch = reader.ReadInt32();
        var meter = new EpochMeterState(reader.ReadDouble(), reader.ReadInt64(), reader.ReadInt64());
        bool hasPlateau = reader.ReadBoolean();
        var plateau = new ReduceLROnPlateauState(reader.ReadDouble(), reader.ReadDouble(), reader.ReadInt32(), reader.ReadInt32());
        var history = new List<IReadOnlyDictionary<string, double>>();
        for (int i = 0, n = reader.ReadInt32(); i < n; i++) history.Add(ReadMap(reader, r => r.ReadDouble()));
        var callbacks = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        for (int i = 0, n = reader.ReadInt32(); i < n; i++) callbacks[reader.ReadString()] = ReadMap(reader, r => r.ReadString());
        return new TrainingStateFile
        {
            CompletedEpochs = v1.CompletedEpochs, NextBatch = nextBatch, Step = v1.Step, Seed = v1.Seed, Precision = v1.Precision,
            LossScale = v1.LossScale, GrowthTracker = v1.GrowthTracker, SkippedSteps = v1.SkippedSteps, OptimizerState = v1.OptimizerState,
            Meter = meter, Plateau = hasPlateau ? plateau : null, History = history, Callbacks = callbacks,
        };
    }
}
