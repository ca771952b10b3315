using FineTune.Vision.Deployment;
using FineTune.Vision.Models;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Tests.Deployment;

/// <summary>ONNX Runtime sessions, a minimal ONNX protobuf reader and randomised tiny models for the export tests.</summary>
internal static class OnnxTestSupport
{
    public static string TempDir(string tag)
    {
        string dir = Path.Combine(Path.GetTempPath(), $"ftv-onnx-{tag}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Moves every parameter off its initial value (zero tables, unit norms, tiny BEiT heads) so parity means something.</summary>
    public static void Randomize(nn.Module model, long seed = 7)
    {
        using var scope = NewDisposeScope();
        var gen = new Generator((ulong)seed);
        using var _ = no_grad();
        foreach (var (_, p) in model.named_parameters()) p.add_(randn(p.shape, generator: gen) * 0.2);
    }

    /// <summary>ONNX Runtime's logits for <paramref name="x"/> (NCHW).</summary>
    public static float[] Run(InferenceSession session, Tensor x)
    {
        float[] data = x.contiguous().data<float>().ToArray();
        using var input = OrtValue.CreateTensorValueFromMemory(data, x.shape);
        using var run = new RunOptions();
        using var results = session.Run(run, [OnnxExport.InputName], [input], [OnnxExport.OutputName]);
        return results[0].GetTensorDataAsSpan<float>().ToArray();
    }

    public static float[] LibraryLogits(VisionModel model, Tensor x)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        model.eval();
        return model.call(x).contiguous().data<float>().ToArray();
    }

    /// <summary>
    /// Checks an exported file the way the tests trust: ONNX Runtime builds a session from it (schema, types and shapes
    /// checked), the input and output are the documented ones, and every initializer feeds some node.
    /// </summary>
    public static void Verify(string path, int channels, int size, int classes)
    {
        using (var session = new InferenceSession(path))
        {
            var input = Assert.Single(session.InputMetadata);
            Assert.Equal(OnnxExport.InputName, input.Key);
            Assert.Equal(new[] { -1, channels, size, size }, input.Value.Dimensions);
            Assert.Equal("batch", input.Value.SymbolicDimensions[0]);
            var output = Assert.Single(session.OutputMetadata);
            Assert.Equal(OnnxExport.OutputName, output.Key);
            Assert.Equal(new[] { -1, classes }, output.Value.Dimensions);
        }
        var unused = UnusedInitializers(File.ReadAllBytes(path));
        Assert.True(unused.Count == 0, $"{path}: unused initializers {string.Join(", ", unused)}");
    }

    /// <summary>Initializers no node reads, from the raw protobuf (ModelProto.graph = 7; GraphProto.node = 1, initializer = 5; NodeProto.input = 1; TensorProto.name = 8).</summary>
    public static List<string> UnusedInitializers(byte[] model)
    {
        var graph = Fields(model).First(f => f.Field == 7).Bytes;
        var inputs = new HashSet<string>(StringComparer.Ordinal);
        var initializers = new List<string>();
        foreach (var (field, bytes) in Fields(graph))
        {
            if (field == 1)
                foreach (var (f, b) in Fields(bytes)) { if (f == 1) inputs.Add(System.Text.Encoding.UTF8.GetString(b)); }
            else if (field == 5)
                initializers.Add(System.Text.Encoding.UTF8.GetString(Fields(bytes).First(f => f.Field == 8).Bytes));
        }
        return initializers.Where(i => !inputs.Contains(i)).ToList();
    }

    /// <summary>The length-delimited fields of a message (others skipped).</summary>
    public static List<(int Field, byte[] Bytes)> Fields(byte[] message)
    {
        var fields = new List<(int, byte[])>();
        int pos = 0;
        while (pos < message.Length)
        {
            ulong tag = Varint(message, ref pos);
            int field = (int)(tag >> 3), wire = (int)(tag & 7);
            switch (wire)
            {
                case 0: Varint(message, ref pos); break;
                case 1: pos += 8; break;
                case 5: pos += 4; break;
                case 2:
                    int len = (int)Varint(message, ref pos);
                    fields.Add((field, message[pos..(pos + len)]));
                    pos += len;
                    break;
                default: throw new InvalidDataException($"wire type {wire}");
            }
        }
        return fields;
    }

    private static ulong Varint(byte[] b, ref int pos)
    {
        ulong v = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte x = b[pos++];
            v |= (ulong)(x & 0x7f) << shift;
            if (x < 0x80) return v;
        }
    }
}
