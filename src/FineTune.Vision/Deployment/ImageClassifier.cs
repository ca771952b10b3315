using System.Runtime.ExceptionServices;
using FineTune.Vision.Data;
using FineTune.Vision.Imaging;
using FineTune.Vision.Models;
using FineTune.Vision.Training;
using FineTune.Vision.Transforms;
using FineTune.Vision.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Deployment;

/// <summary>
/// A fine-tuned model ready for inference on libtorch: <see cref="Load"/> rebuilds it from one model file (architecture,
/// weights, class names and preprocessing from the file's metadata), and <c>Predict</c> turns an image file, stream or
/// decoded image into its top-k classes. Eval mode, no gradients, every tensor disposed per call.
/// </summary>
/// <remarks>
/// <para><b>Threads.</b> One instance may be called from many threads at once (an ASP.NET singleton) and gives the same
/// answers as sequential calls. Decoding and preprocessing, the per-image work outside libtorch, run in parallel on the
/// callers' threads (and on <see cref="ImageClassifierOptions.DecodeWorkers"/> threads in <see cref="PredictMany(IReadOnlyList{string}, int)"/>);
/// the forward passes are serialised by a lock. libtorch already spreads one forward pass over all cores (intra-op
/// threads), so concurrent forwards would mostly compete for them; the lock also keeps the model's state (eval mode,
/// weights) from changing under a pass, and lets <see cref="Dispose"/> wait for the pass in flight. <c>no_grad</c> and
/// dispose scopes are per thread in TorchSharp, so each pass opens its own on the thread that runs it.</para>
/// <para><b>Errors.</b> An image that cannot be read throws the decoder's exception naming the file
/// (<see cref="FileNotFoundException"/>, <see cref="InvalidDataException"/>, <see cref="DecompressionBombException"/>);
/// <see cref="PredictMany(IReadOnlyList{string}, int, out IReadOnlyList{SkippedSample})"/> skips such files and reports them instead.</para>
/// </remarks>
public sealed class ImageClassifier : IImageClassifier
{
    private readonly VisionModel _model;
    private readonly bool _ownsModel;
    private readonly Device _device;
    private readonly string[] _classNames;
    private readonly object _forwardLock = new();
    private readonly (int Channels, int Height, int Width) _shape;
    private bool _disposed;

    /// <summary>
    /// A classifier over a model in memory (e.g. the one a <c>Trainer</c> just fine-tuned). The model is put in eval mode
    /// and, when <see cref="ImageClassifierOptions.Device"/> is set, moved there; the caller keeps ownership (disposes it
    /// after the classifier) and must not train or change it while the classifier is in use.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="classNames">The class names by output index; null: the model's <see cref="VisionModel.ClassNames"/>, else the indices as text.</param>
    /// <param name="options">Device, batching, decoding threads, flip TTA, preprocessing; null: the defaults.</param>
    /// <exception cref="ArgumentException">
    /// The options are invalid, <paramref name="classNames"/> does not have one name per output, the model has no
    /// classifier, or the preprocessing does not produce the model's input size.
    /// </exception>
    public ImageClassifier(VisionModel model, IReadOnlyList<string>? classNames = null, ImageClassifierOptions? options = null)
        : this(model, classNames, options, ownsModel: false)
    {
    }

    private ImageClassifier(VisionModel model, IReadOnlyList<string>? classNames, ImageClassifierOptions? options, bool ownsModel)
    {
        ArgumentNullException.ThrowIfNull(model);
        Options = options ?? new ImageClassifierOptions();
        Options.Validate();
        if (model.NumClasses <= 0)
            throw new ArgumentException($"'{model.Name}' has no classifier (0 outputs); an image classifier needs one (ResetClassifier(n) and fine-tune it first).", nameof(model));
        IReadOnlyList<string>? names = classNames ?? model.ClassNames;
        if (names is not null && names.Count != model.NumClasses)
            throw new ArgumentException($"{names.Count} class names were given but '{model.Name}' has {model.NumClasses} outputs; give one name per output.", nameof(classNames));
        _classNames = names is null ? [.. Enumerable.Range(0, model.NumClasses).Select(i => ClassProbabilities.LabelOf(i, null))] : [.. names];
        Encoder = Options.Encoder ?? Presets.Eval(model.PretrainedConfig);
        _shape = Encoder.SampleShape;
        (int Channels, int Height, int Width) expected = (model.Config.InChans, model.Config.ImgSize, model.Config.ImgSize);
        if (_shape != expected)
            throw new ArgumentException(
                $"The preprocessing writes {_shape.Channels}x{_shape.Height}x{_shape.Width} samples but '{model.Name}' takes {expected.Channels}x{expected.Height}x{expected.Width}; " +
                $"set {nameof(ImageClassifierOptions)}.{nameof(ImageClassifierOptions.Encoder)} to one that writes the model's input size (or leave it null for the model's eval preset).",
                nameof(options));
        if (Options.Device is { } device) model.to(device);
        _device = model.parameters().First().device;
        model.eval();
        (_model, _ownsModel) = (model, ownsModel);
    }

    /// <summary>
    /// Loads the model file at <paramref name="modelFile"/> (written by <c>model.Save</c>, or a Hugging Face model folder) with
    /// its architecture, weights, class names and preprocessing; the classifier owns the model and disposes it.
    /// </summary>
    /// <param name="modelFile">The model file.</param>
    /// <param name="options">Device, batching, decoding threads, flip TTA, preprocessing; null: the defaults.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="WeightsFormatException">
    /// The file is not a FineTune.Vision model file (e.g. a plain checkpoint without the model metadata) or its metadata is
    /// malformed; the message names the file.
    /// </exception>
    /// <exception cref="CheckpointMismatchException">The tensors do not fit the recorded configuration.</exception>
    /// <exception cref="ArgumentException">The options are invalid, or the model has no classifier.</exception>
    public static ImageClassifier Load(string modelFile, ImageClassifierOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelFile);
        options ??= new ImageClassifierOptions();
        options.Validate();
        if (!File.Exists(modelFile) && !Directory.Exists(modelFile))
            throw new FileNotFoundException($"Model file '{modelFile}' does not exist.", modelFile);
        VisionModel model = VisionModels.Load(modelFile, device: options.Device);
        try
        {
            return new ImageClassifier(model, null, options, ownsModel: true);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The options the classifier runs with.</summary>
    public ImageClassifierOptions Options { get; }

    /// <summary>The per-image preprocessing (the model's eval preset unless <see cref="ImageClassifierOptions.Encoder"/> is set).</summary>
    public ISampleEncoder Encoder { get; }

    /// <inheritdoc />
    /// <remarks>The model's class names, or the output indices as text ("0", "1", …) when the model has none.</remarks>
    public IReadOnlyList<string> ClassNames => _classNames;

    /// <summary>The registry name of the model's architecture (e.g. <c>vit_tiny_patch16_224</c>).</summary>
    public string ModelName => _model.Name;

    /// <inheritdoc />
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a decodable image; the message names it.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="topK"/> is not positive.</exception>
    public IReadOnlyList<ClassScore> Predict(string path, int topK = 5)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(topK);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return PredictDecoded(ImageDecoder.Decode(path, Options.Decoder), topK);
    }

    /// <inheritdoc />
    /// <remarks>The stream is read to its end and not disposed. A <see cref="FileStream"/> is named by its file in errors.</remarks>
    /// <exception cref="InvalidDataException">The bytes are not a decodable image.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="topK"/> is not positive.</exception>
    public IReadOnlyList<ClassScore> Predict(Stream image, int topK = 5)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(topK);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return PredictDecoded(ImageDecoder.Decode(image, Options.Decoder), topK);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="topK"/> is not positive.</exception>
    public IReadOnlyList<ClassScore> Predict(RgbImage image, int topK = 5)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(topK);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return PredictDecoded(image.Clone(), topK);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Batches of <see cref="ImageClassifierOptions.BatchSize"/>, decoded by <see cref="ImageClassifierOptions.DecodeWorkers"/>
    /// threads while the previous batch runs; the same probabilities as <see cref="Predict(string, int)"/> on each file.
    /// </remarks>
    /// <exception cref="FileNotFoundException">A file does not exist (the message names it).</exception>
    /// <exception cref="InvalidDataException">A file is not a decodable image (the message names it).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="topK"/> is not positive.</exception>
    public IReadOnlyList<IReadOnlyList<ClassScore>> PredictMany(IReadOnlyList<string> paths, int topK = 5)
    {
        try
        {
            return [.. PredictFiles(paths, topK, skipUnreadable: false, out _).Select(r => r!)];
        }
        catch (SampleLoadException e) when (e.InnerException is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            ExceptionDispatchInfo.Throw(e.InnerException); // the decoder's exception, which names the file
            throw;
        }
    }

    /// <summary>
    /// Like <see cref="PredictMany(IReadOnlyList{string}, int)"/>, but a file that cannot be read (missing, corrupt,
    /// truncated, too large) is skipped instead of failing the call: its entry is null and <paramref name="skipped"/> lists
    /// it (index in <paramref name="paths"/>, file, reason), in index order.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="topK"/> is not positive.</exception>
    public IReadOnlyList<IReadOnlyList<ClassScore>?> PredictMany(IReadOnlyList<string> paths, int topK, out IReadOnlyList<SkippedSample> skipped) =>
        PredictFiles(paths, topK, skipUnreadable: true, out skipped);

    private IReadOnlyList<ClassScore>?[] PredictFiles(IReadOnlyList<string> paths, int topK, bool skipUnreadable, out IReadOnlyList<SkippedSample> skipped)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(topK);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var results = new IReadOnlyList<ClassScore>?[paths.Count];
        skipped = [];
        if (paths.Count == 0) return results;
        var files = UnlabelledImages.Files([.. paths], _classNames, Options.Decoder);
        using var loader = new DataLoader(files.With(Encoder), new DataLoaderOptions
        {
            BatchSize = Options.BatchSize, Workers = Math.Min(Options.DecodeWorkers, paths.Count), SkipUnreadable = skipUnreadable,
            SkipUnreadableSetting = $"{nameof(ImageClassifier)}.{nameof(PredictMany)}(paths, topK, out skipped)",
        });
        foreach (Batch batch in loader.Epoch(0))
        {
            float[][] rows = Forward(batch.Images);
            for (int i = 0; i < batch.Count; i++) results[batch.SampleIndices[i]] = ClassProbabilities.Top(rows[i], topK, _classNames);
        }
        skipped = [.. (loader.LastEpochSummary?.Skipped ?? []).OrderBy(s => s.Index)];
        return results;
    }

    /// <summary>Encodes <paramref name="image"/> (consumed) and runs it through the model.</summary>
    private IReadOnlyList<ClassScore> PredictDecoded(RgbImage image, int topK)
    {
        var sample = new float[_shape.Channels * _shape.Height * _shape.Width];
        Encoder.Encode(image, sample, new Random(0));
        float[][] rows;
        using (NewDisposeScope())
        {
            rows = Forward(torch.tensor(sample, [1, _shape.Channels, _shape.Height, _shape.Width]));
        }
        return ClassProbabilities.Top(rows[0], topK, _classNames);
    }

    /// <summary>Class probabilities of a CPU batch [B, C, H, W]; serialised, in eval mode without gradients, every tensor disposed.</summary>
    private float[][] Forward(Tensor images)
    {
        lock (_forwardLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var noGrad = torch.no_grad();
            using var scope = NewDisposeScope();
            Tensor input = _device.type == DeviceType.CPU ? images : images.to(_device);
            return ClassProbabilities.Rows(ClassProbabilities.Compute(_model, input, Options.FlipTta));
        }
    }

    /// <summary>Disposes the model when the classifier loaded it (<see cref="Load"/>); waits for a forward pass in flight. Idempotent.</summary>
    public void Dispose()
    {
        lock (_forwardLock)
        {
            if (_disposed) return;
            _disposed = true;
            if (_ownsModel) _model.Dispose();
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"ImageClassifier({_model.Name}, {_classNames.Length} classes, {Encoder}, {_device})";
}
