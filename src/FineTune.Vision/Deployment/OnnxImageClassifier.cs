using System.Text.Json;
using FineTune.Vision.Imaging;
using FineTune.Vision.Models;
using FineTune.Vision.Training;
using FineTune.Vision.Transforms;
using FineTune.Vision.Weights;
using Microsoft.ML.OnnxRuntime;

namespace FineTune.Vision.Deployment;

/// <summary>
/// An image classifier over a model exported by <see cref="OnnxExport"/>, run by ONNX Runtime on the CPU without libtorch:
/// class names and preprocessing (input size, resize interpolation, crop pct, mean and std) come from the file's metadata,
/// and images are decoded, resized, centre-cropped and normalised by the library's Imaging and Transforms code
/// (<see cref="Presets.Eval(IDataConfig)"/> written straight into float arrays), so an application needs the library and
/// <c>Microsoft.ML.OnnxRuntime</c> but no libtorch backend package.
/// </summary>
/// <remarks>
/// One instance is safe to call from many threads at once (ONNX Runtime's <c>InferenceSession.Run</c> is thread-safe, the
/// preprocessing holds no per-call state). Dispose it to release the session.
/// </remarks>
public sealed class OnnxImageClassifier : IImageClassifier
{
    private readonly InferenceSession _session;
    private readonly SampleEncoder _encoder;
    private readonly OnnxImageClassifierOptions _options;
    private readonly string[] _labels;
    private readonly int _classes;

    /// <summary>Opens the exported model at <paramref name="path"/>.</summary>
    /// <param name="path">An <c>.onnx</c> file written by <see cref="OnnxExport"/>.</param>
    /// <param name="options">TTA, batch size and threads; null for the defaults.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">
    /// The file is not an ONNX model, was not written by <see cref="OnnxExport"/> (no FineTune.Vision metadata), or its
    /// graph disagrees with its metadata (input size, class count); the message names the file.
    /// </exception>
    public OnnxImageClassifier(string path, OnnxImageClassifierOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"ONNX model '{path}' does not exist.", path);
        _options = options ?? new OnnxImageClassifierOptions();
        _options.Validate();
        Path = path;
        using var sessionOptions = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (_options.IntraOpThreads is int threads) sessionOptions.IntraOpNumThreads = threads;
        try
        {
            _session = new InferenceSession(path, sessionOptions);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"'{path}' is not an ONNX model ONNX Runtime can load: {e.Message}", e);
        }
        try
        {
            Metadata = new Dictionary<string, string>(_session.ModelMetadata.CustomMetadataMap, StringComparer.Ordinal);
            (PretrainedConfig, var names, _classes) = ReadMetadata(path, Metadata, _session);
            try
            {
                _encoder = Presets.Eval(PretrainedConfig);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                throw new InvalidDataException($"'{path}': the metadata's preprocessing cannot be used: {e.Message}", e);
            }
            _labels = [.. Enumerable.Range(0, _classes).Select(i => ClassProbabilities.LabelOf(i, names))];
        }
        catch
        {
            _session.Dispose();
            throw;
        }
    }

    /// <summary>The file the classifier was opened from.</summary>
    public string Path { get; }

    /// <summary>The exported architecture's name (metadata <c>architecture</c>).</summary>
    public string Architecture => Metadata.GetValueOrDefault("architecture") ?? "";

    /// <summary>The preprocessing the model expects (metadata <c>pretrained_config</c>): input size, interpolation, crop pct, mean, std.</summary>
    public PretrainedConfig PretrainedConfig { get; }

    /// <summary>Every metadata property of the file (the export's and any extra ones).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <inheritdoc />
    /// <remarks>The indices as text when the model was exported without class names.</remarks>
    public IReadOnlyList<string> ClassNames => _labels;

    /// <summary>The number of classes (the graph's output width).</summary>
    public int NumClasses => _classes;

    /// <inheritdoc />
    /// <exception cref="FileNotFoundException">The image file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a decodable image; the message names it.</exception>
    public IReadOnlyList<ClassScore> Predict(string path, int topK = 5)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(topK);
        return Top(Probabilities([ImageDecoder.Decode(path, _options.Decoder)])[0], topK);
    }

    /// <inheritdoc />
    /// <exception cref="InvalidDataException">The bytes are not a decodable image.</exception>
    public IReadOnlyList<ClassScore> Predict(Stream image, int topK = 5)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(topK);
        return Top(Probabilities([ImageDecoder.Decode(image, _options.Decoder)])[0], topK);
    }

    /// <inheritdoc />
    public IReadOnlyList<ClassScore> Predict(RgbImage image, int topK = 5)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(topK);
        return Top(Probabilities([image.Clone()])[0], topK);
    }

    /// <inheritdoc />
    /// <exception cref="FileNotFoundException">An image file does not exist.</exception>
    /// <exception cref="InvalidDataException">A file is not a decodable image; the message names it.</exception>
    public IReadOnlyList<IReadOnlyList<ClassScore>> PredictMany(IReadOnlyList<string> paths, int topK = 5)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(topK);
        var results = new IReadOnlyList<ClassScore>[paths.Count];
        var (c, h, w) = _encoder.SampleShape;
        int sample = c * h * w, batchSize = _options.BatchSize;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.DecodeWorkers };
        for (int start = 0; start < paths.Count; start += batchSize)
        {
            int n = Math.Min(batchSize, paths.Count - start);
            var pixels = new float[n * sample];
            try
            {
                Parallel.For(0, n, parallel, i => Encode(ImageDecoder.Decode(paths[start + i], _options.Decoder), pixels.AsSpan(i * sample, sample)));
            }
            catch (AggregateException e) when (e.InnerExceptions.Count > 0)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            }
            float[][] probabilities = Forward(pixels, n);
            for (int i = 0; i < n; i++) results[start + i] = Top(probabilities[i], topK);
        }
        return results;
    }

    /// <summary>Softmax probabilities of <paramref name="images"/> (consumed), [N][classes].</summary>
    internal float[][] Probabilities(IReadOnlyList<RgbImage> images)
    {
        var (c, h, w) = _encoder.SampleShape;
        int sample = c * h * w;
        var pixels = new float[images.Count * sample];
        for (int i = 0; i < images.Count; i++) Encode(images[i], pixels.AsSpan(i * sample, sample));
        return Forward(pixels, images.Count);
    }

    /// <summary>The graph's logits for <paramref name="n"/> preprocessed samples (NCHW floats), [N][classes].</summary>
    internal float[][] Logits(float[] pixels, int n)
    {
        var (c, h, w) = _encoder.SampleShape;
        using var input = OrtValue.CreateTensorValueFromMemory(pixels, [n, c, h, w]);
        using var run = new RunOptions();
        using var outputs = _session.Run(run, [OnnxExport.InputName], [input], [OnnxExport.OutputName]);
        var logits = outputs[0].GetTensorDataAsSpan<float>();
        var rows = new float[n][];
        for (int i = 0; i < n; i++) rows[i] = logits.Slice(i * _classes, _classes).ToArray();
        return rows;
    }

    /// <summary>Preprocesses <paramref name="image"/> (consumed) into <paramref name="destination"/> (C·H·W floats).</summary>
    internal void Encode(RgbImage image, Span<float> destination) => _encoder.Encode(image, destination, new Random(0));

    private float[][] Forward(float[] pixels, int n)
    {
        var probabilities = Logits(pixels, n).Select(Softmax).ToArray();
        if (!_options.FlipTta) return probabilities;
        var (c, h, w) = _encoder.SampleShape;
        var flipped = new float[pixels.Length];
        for (int row = 0; row < n * c * h; row++)
        {
            var src = pixels.AsSpan(row * w, w);
            var dst = flipped.AsSpan(row * w, w);
            for (int x = 0; x < w; x++) dst[x] = src[w - 1 - x];
        }
        var mirrored = Logits(flipped, n).Select(Softmax).ToArray();
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < _classes; k++) probabilities[i][k] = (probabilities[i][k] + mirrored[i][k]) / 2;
        }
        return probabilities;
    }

    private static float[] Softmax(float[] logits)
    {
        double max = logits.Max(), sum = 0;
        var p = new double[logits.Length];
        for (int i = 0; i < p.Length; i++) sum += p[i] = Math.Exp(logits[i] - max);
        return [.. p.Select(v => (float)(v / sum))];
    }

    private IReadOnlyList<ClassScore> Top(float[] probabilities, int k) => ClassProbabilities.Top(probabilities, k, _labels);

    private static (PretrainedConfig Config, IReadOnlyList<string> Names, int Classes) ReadMetadata(string path,
        IReadOnlyDictionary<string, string> metadata, InferenceSession session)
    {
        if (metadata.GetValueOrDefault("format") != OnnxExport.Format)
            throw new InvalidDataException(
                $"'{path}' was not exported by FineTune.Vision: its metadata 'format' is '{metadata.GetValueOrDefault("format") ?? "(missing)"}', not '{OnnxExport.Format}', " +
                "so its preprocessing and class names are unknown. Export the model with OnnxExport (or `export --format onnx`).");
        if (!session.InputMetadata.TryGetValue(OnnxExport.InputName, out var input) || session.InputMetadata.Count != 1
            || !session.OutputMetadata.TryGetValue(OnnxExport.OutputName, out var output))
            throw new InvalidDataException($"'{path}' does not have the exported graph's input '{OnnxExport.InputName}' and output '{OnnxExport.OutputName}'.");
        PretrainedConfig config;
        string[] names;
        try
        {
            config = JsonSerializer.Deserialize<PretrainedConfig>(metadata["pretrained_config"], ModelFileMetadata.Json)
                ?? throw new JsonException("pretrained_config is null");
            names = metadata.TryGetValue("class_names", out string? n) ? JsonSerializer.Deserialize<string[]>(n, ModelFileMetadata.Json) ?? [] : [];
        }
        catch (Exception e) when (e is KeyNotFoundException or JsonException)
        {
            throw new InvalidDataException($"'{path}': the FineTune.Vision metadata is incomplete or malformed: {e.Message}", e);
        }
        int[] dims = input.Dimensions;
        var size = config.InputSize;
        if (dims.Length != 4 || size.Count != 3 || dims[1] != 3 || dims[2] != size[1] || dims[3] != size[2])
            throw new InvalidDataException(
                $"'{path}': the graph's input [{string.Join(", ", dims)}] does not match its metadata's input size [{string.Join(", ", size)}] " +
                "(three channels); the file was edited or comes from another model.");
        int[] outDims = output.Dimensions;
        if (outDims.Length != 2 || outDims[1] <= 0)
            throw new InvalidDataException($"'{path}': the graph's output [{string.Join(", ", outDims)}] is not [batch, classes].");
        if (names.Length > 0 && names.Length != outDims[1])
            throw new InvalidDataException(
                $"'{path}': the metadata names {names.Length} classes but the graph has {outDims[1]} outputs; the file was edited or comes from another model.");
        return (config, names, outDims[1]);
    }

    /// <inheritdoc />
    public void Dispose() => _session.Dispose();

    /// <inheritdoc />
    public override string ToString() => $"OnnxImageClassifier({Architecture}, {_classes} classes, {_encoder}, {Path})";
}
