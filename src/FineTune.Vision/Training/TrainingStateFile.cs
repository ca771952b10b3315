using FineTune.Vision.Core;

namespace FineTune.Vision.Training;

/// <summary>The training state saved beside checkpoint weights: counters, seed, loss scaler and optimizer buffers.</summary>
internal sealed class TrainingStateFile
{
    private const string Magic = "FTV-TRAINSTATE";
    private const int Version = 2;

    public int CompletedEpochs { get; init; }

    /// <summary>Batches of the epoch after <see cref="CompletedEpochs"/> already trained (a recovery checkpoint; version 2).</summary>
    public int BatchesDone { get; init; }
    public long Step { get; init; }
    public long Seed { get; init; }
    public TrainingPrecision Precision { get; init; }
    public double? LossScale { get; init; }
    public int GrowthTracker { get; init; }
    public long SkippedSteps { get; init; }
    public byte[] OptimizerState { get; init; } = [];

    /// <summary>Writes the file atomically and durably (temporary file, fsync, rename).</summary>
    public void Write(string path) => AtomicFile.Write(path, stream =>
    {
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
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
            writer.Write(BatchesDone);
        }
    });

    /// <exception cref="InvalidDataException">Not a training-state file, or another version.</exception>
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
            int batchesDone = version >= 2 ? reader.ReadInt32() : 0;
            return new TrainingStateFile
            {
                BatchesDone = batchesDone,
                CompletedEpochs = epochs, Step = step, Seed = seed, Precision = precision, LossScale = hasScale ? scale : null,
                GrowthTracker = tracker, SkippedSteps = skipped, OptimizerState = optimizer,
            };
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException($"Training-state file '{path}' is truncated.", e);
        }
    }
}
