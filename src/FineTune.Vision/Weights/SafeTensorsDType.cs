using TorchSharp;

namespace FineTune.Vision.Weights;

/// <summary>The safetensors dtype strings the library reads and writes, and their TorchSharp scalar types.</summary>
internal static class SafeTensorsDType
{
    private static readonly (string Name, torch.ScalarType Type, int Size)[] Table =
    [
        ("F64", torch.ScalarType.Float64, 8),
        ("F32", torch.ScalarType.Float32, 4),
        ("F16", torch.ScalarType.Float16, 2),
        ("BF16", torch.ScalarType.BFloat16, 2),
        ("I64", torch.ScalarType.Int64, 8),
        ("I32", torch.ScalarType.Int32, 4),
        ("I16", torch.ScalarType.Int16, 2),
        ("I8", torch.ScalarType.Int8, 1),
        ("U8", torch.ScalarType.Byte, 1),
        ("BOOL", torch.ScalarType.Bool, 1),
    ];

    /// <summary>The names accepted, for error messages.</summary>
    public static string Supported => string.Join(", ", Table.Select(t => t.Name));

    /// <summary>Looks up a safetensors dtype string.</summary>
    public static bool TryParse(string name, out torch.ScalarType type, out int size)
    {
        foreach (var entry in Table)
        {
            if (entry.Name == name)
            {
                (type, size) = (entry.Type, entry.Size);
                return true;
            }
        }
        (type, size) = (default, 0);
        return false;
    }

    /// <summary>The safetensors name of a scalar type, or <see langword="null"/> when safetensors has none here.</summary>
    public static string? NameOf(torch.ScalarType type)
    {
        foreach (var entry in Table)
        {
            if (entry.Type == type)
            {
                return entry.Name;
            }
        }
        return null;
    }

    /// <summary>The element size in bytes of a supported scalar type.</summary>
    public static int SizeOf(torch.ScalarType type)
    {
        foreach (var entry in Table)
        {
            if (entry.Type == type)
            {
                return entry.Size;
            }
        }
        throw new NotSupportedException($"Scalar type {type} has no safetensors dtype; supported: {Supported}.");
    }
}
