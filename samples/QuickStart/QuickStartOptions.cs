using System.Globalization;

namespace QuickStart;

/// <summary>What <see cref="QuickStartRun"/> does: budget, output folder, which comparison runs to add.</summary>
public sealed class QuickStartOptions
{
    /// <summary>Epochs of each training run. <value>Default: 10.</value></summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Where TensorBoard events, CSV logs and curve PNGs go. <value>Default: <c>quickstart-out</c>.</value></summary>
    public string OutputDirectory { get; init; } = "quickstart-out";

    /// <summary>The pretrained checkpoint (null: <c>samples/data/pretrained/vit_fmnist5_tiny.safetensors</c>).</summary>
    public string? Checkpoint { get; init; }

    /// <summary>The Fashion-MNIST folder (null: <c>samples/data/fashion-mnist</c>).</summary>
    public string? DataDirectory { get; init; }

    /// <summary>Also train the same model from random initialisation with the same budget, for comparison. <value>Default: true.</value></summary>
    public bool Baselines { get; init; } = true;

    /// <summary>A few batches of each run, for CI: checks the whole path in seconds (accuracies mean nothing). <value>Default: false.</value></summary>
    public bool Smoke { get; init; }

    /// <summary>The device to train on, as <c>--device</c> names it (<c>cpu</c>, <c>cuda</c>, <c>cuda:N</c>, <c>auto</c>; null: the library's default, CUDA when available).</summary>
    public string? Device { get; init; }

    /// <summary>The usage line.</summary>
    public const string Usage = "usage: dotnet run --project samples/QuickStart -- [--epochs N] [--out DIR] [--checkpoint FILE] [--data DIR] [--no-baselines] [--device cpu|cuda[:N]] [--smoke]";

    /// <summary>Parses the command line.</summary>
    /// <exception cref="ArgumentException">An unknown option or a bad value; the message says which.</exception>
    public static QuickStartOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var defaults = new QuickStartOptions();
        int epochs = defaults.Epochs;
        string output = defaults.OutputDirectory;
        string? checkpoint = null, data = null, device = null;
        bool baselines = true, smoke = false;
        for (int i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--epochs":
                    string value = Value(args, ref i);
                    if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out epochs) || epochs <= 0)
                        throw new ArgumentException($"--epochs needs a positive integer (got '{value}').");
                    break;
                case "--out": output = Value(args, ref i); break;
                case "--checkpoint": checkpoint = Value(args, ref i); break;
                case "--data": data = Value(args, ref i); break;
                case "--device": device = Value(args, ref i); break;
                case "--no-baselines": baselines = false; break;
                case "--smoke": smoke = true; break;
                default: throw new ArgumentException($"Unknown option '{args[i]}'.");
            }
        }
        return new QuickStartOptions
        {
            Epochs = epochs, OutputDirectory = output, Checkpoint = checkpoint, DataDirectory = data, Baselines = baselines, Smoke = smoke, Device = device,
        };
    }

    private static string Value(IReadOnlyList<string> args, ref int i) =>
        ++i < args.Count ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value.");
}
