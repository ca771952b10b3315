using FineTune.Vision.Adaptation;
using FineTune.Vision.Deployment;
using FineTune.Vision.Models;
using FineTune.Vision.Tests.Models;
using FineTune.Vision.Weights;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Tests.Deployment;

/// <summary>
/// Every family exported to ONNX and run by ONNX Runtime (the trusted peer): logits equal the library's eval forward
/// within 1e-4 at batch 1 and 3 on one file (dynamic batch), each export verified (session, I/O, every initializer used).
/// </summary>
public sealed class OnnxExportTests
{
    public static TheoryData<string> Variants => new([
        "vit", "vit_reg_avg", "vit_no_class_token", "vit_avg_class_token", "vit_no_embed_class", "vit_layer_scale",
        "deit_distilled", "beit", "beit_token_abs_pos", "swin", "swin_padded_windows", "cait",
    ]);

    internal static VisionModel Build(string variant) => variant switch
    {
        "vit_reg_avg" => ForwardTests.Tiny("vit", c => (VitConfig)c with { RegTokens = 2, GlobalPool = GlobalPool.Avg }),
        "vit_no_class_token" => ForwardTests.Tiny("vit", c => (VitConfig)c with { ClassToken = false, GlobalPool = GlobalPool.Avg, RegTokens = 1 }),
        "vit_avg_class_token" => ForwardTests.Tiny("vit", c => (VitConfig)c with { GlobalPool = GlobalPool.Avg }),
        "vit_no_embed_class" => ForwardTests.Tiny("vit", c => (VitConfig)c with { NoEmbedClass = true, RegTokens = 1 }),
        "vit_layer_scale" => ForwardTests.Tiny("vit", c => (VitConfig)c with { InitValues = 0.1, QkvBias = false, FcNorm = true }),
        "beit_token_abs_pos" => ForwardTests.Tiny("beit", c => (BeitConfig)c with
        {
            GlobalPool = GlobalPool.Token, UseAbsPosEmb = true, UseRelPosBias = false, InitValues = null, QkvBias = false,
        }),
        "swin_padded_windows" => ForwardTests.Tiny("swin", c => (SwinConfig)c with { ImgSize = 24, WindowSize = 5 }),
        _ => ForwardTests.Tiny(variant),
    };

    [Theory]
    [MemberData(nameof(Variants))]
    public void Onnx_runtime_logits_equal_the_library_at_batch_1_and_3(string variant)
    {
        string dir = OnnxTestSupport.TempDir(variant);
        try
        {
            using var model = Build(variant);
            OnnxTestSupport.Randomize(model);
            model.eval();
            string path = Path.Combine(dir, "model.onnx");
            OnnxExport.Export(model, path);
            int size = model.Config.ImgSize;
            OnnxTestSupport.Verify(path, 3, size, model.NumClasses);

            using var session = new InferenceSession(path);
            var gen = new Generator(11);
            foreach (int batch in new[] { 1, 3 })
            {
                using var x = randn([batch, 3, size, size], generator: gen);
                float[] expected = OnnxTestSupport.LibraryLogits(model, x);
                float[] actual = OnnxTestSupport.Run(session, x);
                Assert.Equal(batch * model.NumClasses, actual.Length);
                double maxDiff = expected.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
                Assert.True(maxDiff <= 1e-4, $"{variant} batch {batch}: max |ORT - library| = {maxDiff:E2}");
                Assert.True(expected.Select(Math.Abs).Max() > 0.05, "logits too small for the comparison to mean anything");
            }
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
