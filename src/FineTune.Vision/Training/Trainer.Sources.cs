using FineTune.Vision.Data;

namespace FineTune.Vision.Training;

public sealed partial class Trainer
{
    /// <summary>
    /// Trains on <paramref name="train"/> with a shuffling loader of <see cref="TrainerOptions.BatchSize"/> seeded by
    /// <see cref="TrainerOptions.Seed"/> (the last partial batch dropped), validating on <paramref name="validation"/>.
    /// </summary>
    public TrainingContext Fit(SampleSource train, SampleSource? validation = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        using var trainLoader = new DataLoader(train, LoaderOptions(shuffle: true, dropLast: train.Dataset.Count >= Options.BatchSize));
        using var validationLoader = validation is null ? null : new DataLoader(validation, LoaderOptions(shuffle: false, dropLast: false));
        return Fit(trainLoader, validationLoader, cancellationToken);
    }

    private DataLoaderOptions LoaderOptions(bool shuffle, bool dropLast) => new()
    {
        BatchSize = Options.BatchSize, Shuffle = shuffle, DropLast = dropLast, Seed = Options.Seed,
        Workers = Options.Workers ?? Environment.ProcessorCount,
    };
}
