using FineTune.Vision.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Tests.Weights;

/// <summary>Paths of the fixtures made by Fixtures/Weights/make_fixtures.py, and small tensor helpers.</summary>
internal static class WeightsFixtures
{
    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "Weights", name);

    /// <summary>A fresh empty directory under the system temp folder.</summary>
    public static string TempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "ftv-weights-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Asserts same dtype, shape and values (exact, NaN-free data).</summary>
    public static void AssertSameTensor(Tensor expected, Tensor actual, string key)
    {
        Assert.True(expected.dtype == actual.dtype, $"{key}: dtype {actual.dtype}, expected {expected.dtype}");
        Assert.True(expected.shape.SequenceEqual(actual.shape),
            $"{key}: shape [{string.Join(", ", actual.shape)}], expected [{string.Join(", ", expected.shape)}]");
        using var same = expected.eq(actual).all();
        Assert.True(same.item<bool>(), $"{key}: values differ");
    }

    /// <summary>Writes a safetensors file by hand from a header JSON string and a data section.</summary>
    public static string WriteRawSafeTensors(string dir, string name, string headerJson, byte[] data, ulong? lengthOverride = null)
    {
        var header = System.Text.Encoding.UTF8.GetBytes(headerJson);
        string path = Path.Combine(dir, name);
        using var f = File.Create(path);
        f.Write(BitConverter.GetBytes(lengthOverride ?? (ulong)header.Length));
        f.Write(header);
        f.Write(data);
        return path;
    }
}
