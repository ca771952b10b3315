using FineTune.Vision.Data;
using FineTune.Vision.Imaging;
using FineTune.Vision.Models;
using FineTune.Vision.Transforms;

namespace FineTune.Vision.Training;

public sealed partial class Trainer
{
    /// <summary>
    /// Trains on <paramref name="train"/> with a shuffling loader of <see cref="TrainerOptions.BatchSize"/> seeded by
    /// <see cref="TrainerOptions.Seed"/> (the last partial batch dropped), validating on <paramref name="validation"/>.
    /// Unreadable images fail the fit, naming the file, unless <see cref="TrainerOptions.SkipUnreadable"/> is set.
    /// </summary>
    /// <exception cref="SampleLoadException">An image could not be loaded (and <see cref="TrainerOptions.SkipUnreadable"/> is off) or encoded.</exception>
    public FitResult Fit(SampleSource train, SampleSource? validation = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        int epochLength = Options.Sampler?.EpochLength(train.Dataset.Count) ?? train.Dataset.Count;
        using var trainLoader = new DataLoader(train, LoaderOptions(shuffle: Options.Sampler is null, dropLast: epochLength >= Options.BatchSize, sampler: Options.Sampler));
        using var validationLoader = validation is null ? null : new DataLoader(validation, LoaderOptions(shuffle: false, dropLast: false));
        return Fit(trainLoader, validationLoader, cancellationToken);
    }

    /// <summary>Evaluates the model on <paramref name="data"/> in batches of <see cref="TrainerOptions.BatchSize"/> (dataset order).</summary>
    /// <inheritdoc cref="Evaluate(DataLoader, CancellationToken)"/>
    public EvaluationResult Evaluate(SampleSource data, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        using var loader = new DataLoader(data, LoaderOptions(shuffle: false, dropLast: false));
        return Evaluate(loader, cancellationToken);
    }

    /// <summary>Class probabilities for every sample of <paramref name="data"/> (dataset order), named by the dataset's class names.</summary>
    /// <inheritdoc cref="Predict(DataLoader, bool, CancellationToken)"/>
    public Predictions Predict(SampleSource data, bool flipTta = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        using var loader = new DataLoader(data, LoaderOptions(shuffle: false, dropLast: false));
        return Predict(loader, flipTta, cancellationToken);
    }

    /// <summary>
    /// Class probabilities for image files, no labels needed (<see cref="Predictions.TrueLabels"/> are −1), in the order given.
    /// </summary>
    /// <param name="imagePaths">The image files.</param>
    /// <param name="encoder">The per-image preprocessing; null: the model's eval preset (resize, centre crop and normalisation of its <see cref="IVisionModel.PretrainedConfig"/>).</param>
    /// <param name="classNames">Names of the classes, by index, for <see cref="Predictions.Top"/>; null: the model's <see cref="IVisionModel.ClassNames"/>, else class indices as text.</param>
    /// <param name="flipTta">Whether to average with the horizontal mirror images.</param>
    /// <param name="cancellationToken">Stops the pass.</param>
    /// <exception cref="SampleLoadException">A file could not be read (the message names it).</exception>
    public Predictions Predict(IEnumerable<string> imagePaths, ISampleEncoder? encoder = null, IReadOnlyList<string>? classNames = null,
        bool flipTta = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(imagePaths);
        var files = UnlabelledImages.Files([.. imagePaths], classNames ?? _model.ClassNames ?? []);
        if (files.Count == 0) throw new ArgumentException("No image paths were given.", nameof(imagePaths));
        return PredictUnlabelled(files, encoder, flipTta, cancellationToken);
    }

    /// <summary>Class probabilities for one image in memory (not consumed: a copy is encoded); one row in the result.</summary>
    /// <param name="image">The image (the caller keeps it).</param>
    /// <param name="encoder">The preprocessing; null: the model's eval preset.</param>
    /// <param name="classNames">Names of the classes, by index, for <see cref="Predictions.Top"/>; null: the model's <see cref="IVisionModel.ClassNames"/>, else class indices as text.</param>
    /// <param name="flipTta">Whether to average with the horizontal mirror image.</param>
    public Predictions Predict(RgbImage image, ISampleEncoder? encoder = null, IReadOnlyList<string>? classNames = null, bool flipTta = false)
    {
        ArgumentNullException.ThrowIfNull(image);
        return PredictUnlabelled(UnlabelledImages.InMemory(image, classNames ?? _model.ClassNames ?? []), encoder, flipTta, default);
    }

    private Predictions PredictUnlabelled(UnlabelledImages images, ISampleEncoder? encoder, bool flipTta, CancellationToken cancellationToken)
    {
        using var loader = new DataLoader(images.With(encoder ?? Presets.Eval(_model.PretrainedConfig)), LoaderOptions(shuffle: false, dropLast: false, skipUnreadable: false));
        return Predict(loader, flipTta, cancellationToken);
    }

    private DataLoaderOptions LoaderOptions(bool shuffle, bool dropLast, bool? skipUnreadable = null, ISampler? sampler = null) => new()
    {
        Sampler = sampler,
        BatchSize = Options.BatchSize, Shuffle = shuffle, DropLast = dropLast, Seed = Options.Seed,
        Workers = Options.Workers ?? Environment.ProcessorCount,
        SkipUnreadable = skipUnreadable ?? Options.SkipUnreadable, SkipUnreadableSetting = $"{nameof(TrainerOptions)}.{nameof(TrainerOptions.SkipUnreadable)}",
        Logger = Options.Logger,
    };
}
