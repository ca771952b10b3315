using FineTune.Vision.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Tests.Weights;

/// <summary>safetensors reading, writing and strict header validation.</summary>
public sealed class SafeTensorsTests
{
    [Fact]
    public void Every_dtype_round_trips_with_metadata_and_non_contiguous_input()
    {
        string dir = WeightsFixtures.TempDir();
        using var scope = torch.NewDisposeScope();
        var baseValues = torch.arange(-6, 6, dtype: float64).reshape(3, 4) * 1.5;
        var tensors = new Dictionary<string, Tensor>
        {
            ["f64"] = baseValues, ["f32"] = baseValues.to(float32), ["f16"] = baseValues.to(float16),
            ["bf16"] = baseValues.to(bfloat16), ["i64"] = baseValues.to(int64), ["i32"] = baseValues.to(int32),
            ["i16"] = baseValues.to(int16), ["i8"] = baseValues.to(int8), ["u8"] = baseValues.abs().to(uint8),
            ["bool"] = baseValues > 0, ["transposed"] = baseValues.to(float32).t(), ["scalar"] = torch.tensor(2.5f),
            ["empty"] = torch.zeros(0, 3),
        };
        string path = Path.Combine(dir, "all.safetensors");
        SafeTensors.Save(path, tensors, new Dictionary<string, string> { ["format"] = "pt", ["note"] = "héllo" });

        using var loaded = SafeTensors.Load(path);
        Assert.Equal(tensors.Keys, loaded.Keys);
        foreach (var (key, expected) in tensors)
        {
            WeightsFixtures.AssertSameTensor(expected.contiguous(), loaded[key], key);
        }
        Assert.Equal("héllo", loaded.Metadata["note"]);
        Assert.Equal(WeightsFormat.SafeTensors, WeightsFile.DetectFormat(path));
        Assert.Single(Directory.GetFiles(dir));   // the temporary file was renamed, none left behind
        Directory.Delete(dir, true);
    }

    [Fact]
    public void Peer_written_dtypes_match_the_same_tensors_saved_by_torch()
    {
        using var st = SafeTensors.Load(WeightsFixtures.PathOf("dtypes.safetensors"));
        using var pth = PyTorchCheckpoint.Load(WeightsFixtures.PathOf("dtypes.pth"));
        Assert.Equal(12, st.Count);
        Assert.Equal(st.Keys, pth.Keys);
        foreach (var (key, tensor) in st)
        {
            WeightsFixtures.AssertSameTensor(tensor, pth[key], key);
        }
        Assert.Equal("pt", st.Metadata["format"]);
        Assert.Equal(ScalarType.BFloat16, st["bfloat16"].dtype);
        Assert.Equal(new long[] { 0, 3 }, st["empty"].shape);
        Assert.Equal(2.5f, st["scalar"].item<float>());
    }

    [Fact]
    public void Save_overwrites_atomically_and_reads_headers_without_data()
    {
        string dir = WeightsFixtures.TempDir();
        string path = Path.Combine(dir, "w.safetensors");
        using (var a = torch.ones(2, 2))
        {
            SafeTensors.Save(path, [new("a", a)]);
        }
        using (var b = torch.zeros(5))
        {
            SafeTensors.Save(path, [new("b", b)]);
        }
        var (info, metadata) = SafeTensors.ReadHeader(path);
        Assert.Equal("b", Assert.Single(info).Name);
        Assert.Equal(new long[] { 5 }, info[0].Shape);
        Assert.Empty(metadata);
        Assert.Single(Directory.GetFiles(dir));
        Directory.Delete(dir, true);
    }

    [Theory]
    [InlineData("huge_length", "more than the 100000000-byte limit")]
    [InlineData("length_past_end", "only")]
    [InlineData("not_json", "not valid JSON")]
    [InlineData("bad_dtype", "dtype 'F8_E5M2' is not supported")]
    [InlineData("size_mismatch", "needs 16 bytes but data_offsets span 12")]
    [InlineData("offset_outside", "outside the 16-byte data section")]
    [InlineData("overlap", "overlap")]
    [InlineData("negative_shape", "non-negative integers")]
    [InlineData("metadata_not_strings", "__metadata__")]
    [InlineData("too_short", "too few for a safetensors header")]
    public void Malformed_files_fail_with_the_file_and_the_problem(string kind, string expectedFragment)
    {
        string dir = WeightsFixtures.TempDir();
        var data = new byte[16];
        string path = kind switch
        {
            "huge_length" => WeightsFixtures.WriteRawSafeTensors(dir, "f.safetensors", "{}", data, 1UL << 60),
            "length_past_end" => WeightsFixtures.WriteRawSafeTensors(dir, "f.safetensors", "{}", data, 4000),
            "not_json" => WeightsFixtures.WriteRawSafeTensors(dir, "f.safetensors", "{\"a\": [", data),
            "bad_dtype" => Raw(dir, "{\"a\":{\"dtype\":\"F8_E5M2\",\"shape\":[4],\"data_offsets\":[0,4]}}", data),
            "size_mismatch" => Raw(dir, "{\"a\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}}", data),
            "offset_outside" => Raw(dir, "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,24]}}", data),
            "overlap" => Raw(dir, "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", data),
            "negative_shape" => Raw(dir, "{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", data),
            "metadata_not_strings" => Raw(dir, "{\"__metadata__\":{\"epoch\":3}}", data),
            _ => WriteBytes(dir, [1, 2, 3]),
        };
        var e = Assert.ThrowsAny<WeightsFormatException>(() => SafeTensors.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(expectedFragment, e.Message);
        Directory.Delete(dir, true);
    }

    [Fact]
    public void A_truncated_real_file_names_the_file_and_the_tensor()
    {
        string dir = WeightsFixtures.TempDir();
        var bytes = File.ReadAllBytes(WeightsFixtures.PathOf("vit_timm.safetensors"));
        string path = WriteBytes(dir, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<WeightsFormatException>(() => WeightsFile.Load(path));
        Assert.Contains(path, e.Message);
        Assert.NotNull(e.Key);
        Assert.Contains("truncated", e.Message);
        Directory.Delete(dir, true);
    }

    private static string Raw(string dir, string header, byte[] data) =>
        WeightsFixtures.WriteRawSafeTensors(dir, "f.safetensors", header, data);

    private static string WriteBytes(string dir, byte[] bytes)
    {
        string path = Path.Combine(dir, "f.safetensors");
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
