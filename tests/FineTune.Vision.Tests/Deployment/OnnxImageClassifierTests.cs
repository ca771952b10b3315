using FineTune.Vision.Adaptation;
using FineTune.Vision.Data;
using FineTune.Vision.Deployment;
using FineTune.Vision.Deployment.Onnx;
using FineTune.Vision.Imaging;
using FineTune.Vision.Models;
using FineTune.Vision.Tests.Adaptation;
using FineTune.Vision.Tests.Data;
using FineTune.Vision.Tests.Models;
using FineTune.Vision.Transforms;
using FineTune.Vision.Weights;
using Microsoft.ML.OnnxRuntime;
using static TorchSharp.torch;

namespace FineTune.Vision.Tests.Deployment;

/// <summary>
/// <see cref="OnnxImageClassifier"/> against the library's own model on the shipped checkpoint and images; metadata round
/// trip, LoRA merged into the export, concurrency, flip TTA, and the errors that name the file at fault.
/// </summary>
public sealed class OnnxImageClassifierTests : IDisposable
{
    private readonly string _dir = OnnxTestSupport.TempDir("classifier");

    public void Dispose() => Directory.Delete(_dir, true);

    /// <summary>Eight held-out Fashion-MNIST test images (classes 0-4) as PNG files, and the shipped photo of a cat.</summary>
    private List<string> Images() => Images(out _);

    private List<string> Images(out int[] labels)
    {
        var test = FineTuneFixtures.Subset(train: false, classes: [0, 1, 2, 3, 4], perClass: 2);
        var paths = new List<string>();
        labels = new int[8];
        for (int i = 0; i < 8; i++)
        {
            labels[i] = test.GetLabel(i);
            using var image = test.Load(i);
            string path = Path.Combine(_dir, $"fmnist-{i}.png");
            ImageEncoder.Save(image, path);
            paths.Add(path);
        }
        paths.Add(Path.Combine(ArchitectureTests.RepoRoot(), "samples", "data", "images", "chelsea.jpg"));
        return paths;
    }

    /// <summary>The library's eval probabilities: its own preset encoder, libtorch forward, softmax.</summary>
    private static float[] LibraryProbabilities(VisionModel model, string path)
    {
        var encoder = Presets.Eval(model.PretrainedConfig);
        var (c, h, w) = encoder.SampleShape;
        var pixels = new float[c * h * w];
        encoder.Encode(ImageDecoder.Decode(path), pixels, new Random(0));
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        model.eval();
        return model.call(tensor(pixels).reshape(1, c, h, w)).softmax(-1).data<float>().ToArray();
    }

    private string ExportShipped(OnnxExportOptions? options = null)
    {
        string onnx = Path.Combine(_dir, "shipped.onnx");
        OnnxExport.ExportModelFile(FineTuneFixtures.ShippedPath, onnx, options);
        return onnx;
    }

    [Fact]
    public void Shipped_model_predicts_the_library_models_classes_and_probabilities()
    {
        string onnx = ExportShipped();
        using var model = VisionModels.Load(FineTuneFixtures.ShippedPath);
        using var classifier = new OnnxImageClassifier(onnx);
        Assert.Equal(model.ClassNames, classifier.ClassNames);
        Assert.Equal("vit_tiny_patch16_224", classifier.Architecture);
        var paths = Images(out int[] labels);
        var many = classifier.PredictMany(paths, topK: 5);
        int correct = 0;
        for (int i = 0; i < paths.Count; i++)
        {
            float[] expected = LibraryProbabilities(model, paths[i]);
            var top = classifier.Predict(paths[i], topK: 5);
            Assert.Equal(5, top.Count);
            int best = Array.IndexOf(expected, expected.Max());
            Assert.Equal(best, top[0].Index);
            Assert.Equal(model.ClassNames![best], top[0].Label);
            foreach (var score in top) Assert.True(Math.Abs(score.Probability - expected[score.Index]) < 1e-4, $"{paths[i]} class {score.Index}: {score.Probability} vs {expected[score.Index]}");
            Assert.Equal(top, many[i]);
            using (var stream = File.OpenRead(paths[i])) Assert.Equal(top, classifier.Predict(stream, topK: 5));
            using var image = ImageDecoder.Decode(paths[i]);
            Assert.Equal(top, classifier.Predict(image, topK: 5));
            Assert.Equal(image.Width * image.Height * 3, image.Pixels.Length);    // not disposed by Predict
            if (i < 8 && top[0].Index == labels[i]) correct++;
        }
        Assert.True(correct >= 5, $"the shipped model should classify most of its held-out classes ({correct}/8)");
    }

    [Fact]
    public void Metadata_round_trips_class_names_preprocessing_and_extra_entries()
    {
        using var model = VisionModels.Create<VitConfig>("vit_tiny_patch16_224", c => c with { ImgSize = 32, PatchSize = 8, EmbedDim = 32, Depth = 1, NumHeads = 2, NumClasses = 3 });
        model.ClassNames = ["cat", "dog", "bird, \"quoted\""];
        model.PretrainedConfig = model.PretrainedConfig with
        {
            InputSize = [3, 32, 32], CropPct = 0.8, Interpolation = Interpolation.Bilinear, Mean = PretrainedConfig.Inception, Std = [0.25, 0.5, 0.75],
        };
        string onnx = Path.Combine(_dir, "meta.onnx");
        OnnxExport.Export(model, onnx, new OnnxExportOptions { Metadata = new Dictionary<string, string> { ["dataset"] = "pets v2" } });
        using var classifier = new OnnxImageClassifier(onnx);
        Assert.Equal(model.ClassNames, classifier.ClassNames);
        Assert.Equal(3, classifier.NumClasses);
        Assert.Equal(model.PretrainedConfig.InputSize, classifier.PretrainedConfig.InputSize);
        Assert.Equal(model.PretrainedConfig.Mean, classifier.PretrainedConfig.Mean);
        Assert.Equal(model.PretrainedConfig.Std, classifier.PretrainedConfig.Std);
        Assert.Equal(0.8, classifier.PretrainedConfig.CropPct);
        Assert.Equal(Interpolation.Bilinear, classifier.PretrainedConfig.Interpolation);
        Assert.Equal(OnnxExport.Format, classifier.Metadata["format"]);
        Assert.Equal("vit_tiny_patch16_224", classifier.Metadata["architecture"]);
        Assert.Equal("vit", classifier.Metadata["family"]);
        Assert.Equal("pets v2", classifier.Metadata["dataset"]);
        Assert.Equal("none", classifier.Metadata["adapters"]);
        Assert.Contains("\"embed_dim\":32", classifier.Metadata["config"], StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => OnnxExport.Export(model, onnx, new OnnxExportOptions { Metadata = new Dictionary<string, string> { ["format"] = "x" } }));
    }

    [Theory]
    [InlineData("vit")]
    [InlineData("swin")]
    [InlineData("cait")]
    public void Lora_models_export_merged_with_the_adapted_logits(string family)
    {
        using var model = ForwardTests.Tiny(family);
        var adapters = Lora.Apply(model, new LoraOptions { Rank = 2, Alpha = 4 });
        OnnxTestSupport.Randomize(model);    // the adapters' B starts at zero: move it
        Assert.False(adapters.IsMerged);
        string onnx = Path.Combine(_dir, $"lora-{family}.onnx");
        OnnxExport.Export(model, onnx);
        OnnxTestSupport.Verify(onnx, 3, 32, 5);
        Assert.DoesNotContain(OnnxTestSupport.Fields(OnnxTestSupport.Fields(File.ReadAllBytes(onnx)).First(f => f.Field == 7).Bytes),
            f => f.Field == 5 && System.Text.Encoding.UTF8.GetString(f.Bytes).Contains("lora_", StringComparison.Ordinal));
        Assert.False(adapters.IsMerged);    // the live model is not changed
        using var session = new InferenceSession(onnx);
        Assert.StartsWith("lora: merged", session.ModelMetadata.CustomMetadataMap["adapters"], StringComparison.Ordinal);
        using var x = randn(2, 3, 32, 32);
        float[] expected = OnnxTestSupport.LibraryLogits(model, x);
        float[] actual = OnnxTestSupport.Run(session, x);
        Assert.True(expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max() <= 1e-4);
    }

    [Fact]
    public void Concurrent_callers_get_the_sequential_answers_and_flip_tta_averages_the_mirror()
    {
        string onnx = ExportShipped();
        var paths = Images();
        using var classifier = new OnnxImageClassifier(onnx);
        var sequential = paths.Select(p => classifier.Predict(p)).ToList();
        var concurrent = new IReadOnlyList<FineTune.Vision.Training.ClassScore>[paths.Count * 4];
        Parallel.For(0, concurrent.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => concurrent[i] = classifier.Predict(paths[i % paths.Count]));
        for (int i = 0; i < concurrent.Length; i++) Assert.Equal(sequential[i % paths.Count], concurrent[i]);

        using var tta = new OnnxImageClassifier(onnx, new OnnxImageClassifierOptions { FlipTta = true, BatchSize = 3 });
        var rng = new Random(0);
        foreach (string path in paths)
        {
            var plain = classifier.Predict(path, topK: 5).ToDictionary(s => s.Index, s => s.Probability);
            using var image = ImageDecoder.Decode(path);
            using var mirror = new HorizontalFlip().Apply(image.Clone(), rng);
            var mirrored = classifier.Predict(mirror, topK: 5).ToDictionary(s => s.Index, s => s.Probability);
            foreach (var score in tta.Predict(path, topK: 5))
                Assert.True(Math.Abs(score.Probability - ((plain[score.Index] + mirrored[score.Index]) / 2)) < 1e-4);
        }
        Assert.Equal(paths.Select(p => tta.Predict(p)), tta.PredictMany(paths));
    }

    [Fact]
    public void Bad_inputs_raise_errors_naming_the_file()
    {
        string onnx = ExportShipped();
        using var classifier = new OnnxImageClassifier(onnx);
        string garbage = Path.Combine(_dir, "not-an-image.jpg");
        File.WriteAllBytes(garbage, [1, 2, 3, 4, 5, 6, 7, 8]);
        Assert.Contains(garbage, Assert.Throws<InvalidDataException>(() => classifier.Predict(garbage)).Message, StringComparison.Ordinal);
        var paths = Images();
        paths.Insert(3, garbage);
        Assert.Contains(garbage, Assert.Throws<InvalidDataException>(() => classifier.PredictMany(paths)).Message, StringComparison.Ordinal);
        string missing = Path.Combine(_dir, "missing.png");
        Assert.Contains(missing, Assert.Throws<FileNotFoundException>(() => classifier.Predict(missing)).Message, StringComparison.Ordinal);

        // Not ONNX at all, a truncated export, an ONNX model from elsewhere (no FineTune.Vision metadata), an export whose
        // graph does not fit its metadata (another model's graph).
        string notOnnx = Path.Combine(_dir, "model.onnx.txt");
        File.WriteAllText(notOnnx, "hello");
        string truncated = Path.Combine(_dir, "truncated.onnx");
        File.WriteAllBytes(truncated, File.ReadAllBytes(onnx)[..5000]);
        string foreign = Path.Combine(_dir, "foreign.onnx");
        WriteTinyGraph(foreign, new Dictionary<string, string> { ["producer"] = "someone else" }, size: 28);
        string mismatched = Path.Combine(_dir, "mismatched.onnx");
        WriteTinyGraph(mismatched, classifier.Metadata, size: 32);
        foreach (string bad in new[] { notOnnx, truncated, foreign, mismatched })
        {
            var e = Assert.Throws<InvalidDataException>(() => new OnnxImageClassifier(bad));
            Assert.Contains(bad, e.Message, StringComparison.Ordinal);
        }
        Assert.Throws<FileNotFoundException>(() => new OnnxImageClassifier(Path.Combine(_dir, "absent.onnx")));
    }

    [Fact]
    public void Malformed_exports_are_caught_by_the_check()
    {
        // A graph with an initializer no node reads (what a forgotten module would leave) fails the verification.
        string path = Path.Combine(_dir, "unused.onnx");
        var graph = new OnnxGraph();
        using (var w = ones(5, 3)) graph.Weight("orphan.weight", w);
        string pooled = graph.Node("ReduceMean", [OnnxExport.InputName], ("axes", new long[] { 2, 3 }), ("keepdims", 0L));
        string logits;
        using (var w = ones(3, 5)) logits = graph.Node("MatMul", [pooled, graph.Weight("head.weight", w)]);
        using (var stream = File.Create(path))
            graph.Write(stream, "g", (OnnxExport.InputName, [-1, 3, 8, 8]), (OnnxExport.OutputName, logits, [-1, 5]), new Dictionary<string, string>(), "test");
        Assert.Equal(["orphan.weight"], OnnxTestSupport.UnusedInitializers(File.ReadAllBytes(path)));
        Assert.ThrowsAny<Exception>(() => OnnxTestSupport.Verify(path, 3, 8, 5));

        // A graph whose shapes do not compose is refused by ONNX Runtime's session creation.
        string broken = Path.Combine(_dir, "broken.onnx");
        var bad = new OnnxGraph();
        string y;
        using (var w = ones(7, 5)) y = bad.Node("MatMul", [bad.Node("ReduceMean", [OnnxExport.InputName], ("axes", new long[] { 2, 3 }), ("keepdims", 0L)), bad.Weight("w", w)]);
        using (var stream = File.Create(broken))
            bad.Write(stream, "g", (OnnxExport.InputName, [-1, 3, 8, 8]), (OnnxExport.OutputName, y, [-1, 5]), new Dictionary<string, string>(), "test");
        Assert.ThrowsAny<OnnxRuntimeException>(() => new InferenceSession(broken).Dispose());
    }

    [Fact]
    public void Models_without_an_export_are_refused_naming_the_architecture()
    {
        string path = Path.Combine(_dir, "x.onnx");
        using var perToken = ForwardTests.Tiny("vit", c => (VitConfig)c with { GlobalPool = GlobalPool.None, ClassToken = false });
        Assert.Contains("VisionTransformer", Assert.Throws<NotSupportedException>(() => OnnxExport.Export(perToken, path)).Message, StringComparison.Ordinal);
        using var headless = ForwardTests.Tiny("beit", c => c with { NumClasses = 0 });
        Assert.Contains("Beit", Assert.Throws<NotSupportedException>(() => OnnxExport.Export(headless, path)).Message, StringComparison.Ordinal);
        using var swinV2 = ForwardTests.Tiny("swinv2");    // a family without an ONNX export (yet)
        Assert.Contains("SwinTransformerV2", Assert.Throws<NotSupportedException>(() => OnnxExport.Export(swinV2, path)).Message, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
    }

    /// <summary>A valid ONNX model (global average pool + linear, 5 classes) with the given metadata.</summary>
    private static void WriteTinyGraph(string path, IReadOnlyDictionary<string, string> metadata, int size)
    {
        var graph = new OnnxGraph();
        string pooled = graph.Node("ReduceMean", [OnnxExport.InputName], ("axes", new long[] { 2, 3 }), ("keepdims", 0L));
        string y;
        using (var w = ones(3, 5)) y = graph.Node("MatMul", [pooled, graph.Weight("head.weight", w)]);
        using var stream = File.Create(path);
        graph.Write(stream, "foreign", (OnnxExport.InputName, [-1, 3, size, size]), (OnnxExport.OutputName, y, [-1, 5]), metadata, "test");
    }
}
