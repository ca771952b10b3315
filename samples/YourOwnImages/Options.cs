using System.Globalization;
using FineTune.Vision.Data;
using FineTune.Vision.Transforms;

/// <summary>The command line of the YourOwnImages sample.</summary>
internal sealed record Options
{
    public const string Usage = """
        usage: dotnet run --project samples/YourOwnImages -- --data DIR [--model NAME] [--pretrained FILE]
                          [--epochs N] [--batch-size N] [--out DIR] [--predict IMAGE] [--device cpu|cuda[:N]]

          --data DIR         an ImageFolder tree: DIR/<class>/<image> (any size; .jpg .png .bmp .gif .webp); 20 % of
                             each class is held out for validation
          --model NAME       a registry name (vit_base_patch16_224, deit_small_patch16_224, swin_tiny_patch4_window7_224,
                             ...) with --pretrained FILE holding its timm/Hugging Face weights; for a GPU machine.
                             Default: the small pretrained checkpoint shipped in samples/data/pretrained (a 140k-parameter
                             ViT at 28x28 pixels, pretrained on Fashion-MNIST), which trains ~200 small images in well
                             under 2 minutes on 2 CPU cores
          --epochs N         default 20 (early stopping after 5 epochs without a better validation top-1)
          --batch-size N     default 16
          --out DIR          where model.safetensors goes (default your-own-images-out)
          --predict IMAGE    the image to classify with the reloaded model (default: the folder's first image)
          --device D         cpu, cuda, cuda:N or auto (default: CUDA when a GPU and a CUDA backend are present)

        Make a folder to try it on from the shipped Fashion-MNIST images:
          dotnet run samples/data/fashion-mnist/export_folder.cs -- my-images
        """;

    public required string Data { get; init; }
    public string? Model { get; init; }
    public string? Pretrained { get; init; }
    public int Epochs { get; init; } = 20;
    public int BatchSize { get; init; } = 16;
    public string Out { get; init; } = "your-own-images-out";
    public string? Predict { get; init; }
    public TorchSharp.torch.Device? Device { get; init; }

    /// <summary>The image to classify: <see cref="Predict"/>, or the folder's first image.</summary>
    public string PredictImage => Predict ?? ImageFolder.Open(Data).Paths[0];

    /// <summary>Where the trained model file goes.</summary>
    public string ModelFile => Path.Combine(Directory.CreateDirectory(Out).FullName, "model.safetensors");

    /// <summary>
    /// The training augmentation around the model's own preprocessing (Presets.Train keeps the model's size, interpolation
    /// and mean/std): timm's random-resized-crop scale starts at 0.08, which leaves little of a 28-pixel image, so the
    /// shipped small model crops at 0.5-1 of the area; flips and colour jitter are timm's defaults.
    /// </summary>
    public TrainPresetOptions Augmentation => Model is null ? new TrainPresetOptions { Scale = (0.5, 1.0) } : new TrainPresetOptions();

    /// <summary>Parses <paramref name="args"/>; prints the usage (and the problem) and returns null for --help or a bad command line.</summary>
    public static Options? FromCommandLine(IReadOnlyList<string> args)
    {
        if (args is ["--help"] or ["-h"])
        {
            Console.WriteLine(Usage);
            return null;
        }
        try
        {
            return Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            Console.Error.WriteLine(Usage);
            return null;
        }
    }

    /// <summary>The shipped checkpoint, found from the program's folder or the current one.</summary>
    public static string ShippedCheckpoint()
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string path = Path.Combine(dir.FullName, "samples", "data", "pretrained", "vit_fmnist5_tiny.safetensors");
                if (File.Exists(path)) return path;
            }
        }
        throw new FileNotFoundException("The shipped checkpoint samples/data/pretrained/vit_fmnist5_tiny.safetensors was not found; " +
            "run from the repository, or pass --model NAME --pretrained FILE.");
    }

    /// <exception cref="ArgumentException">An unknown option or a bad value; the message says which.</exception>
    public static Options Parse(IReadOnlyList<string> args)
    {
        string? data = null, model = null, pretrained = null, predict = null, output = null, device = null;
        int? epochs = null, batch = null;
        for (int i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--data": data = Value(args, ref i); break;
                case "--model": model = Value(args, ref i); break;
                case "--pretrained": pretrained = Value(args, ref i); break;
                case "--epochs": epochs = Positive(args, ref i); break;
                case "--batch-size": batch = Positive(args, ref i); break;
                case "--out": output = Value(args, ref i); break;
                case "--predict": predict = Value(args, ref i); break;
                case "--device": device = Value(args, ref i); break;
                default: throw new ArgumentException($"Unknown option '{args[i]}'.");
            }
        }
        if (data is null) throw new ArgumentException("--data DIR is required.");
        if (model is null && pretrained is not null) throw new ArgumentException("--pretrained needs --model NAME (the default model brings its own weights).");
        var defaults = new Options { Data = data };
        return defaults with
        {
            Model = model, Pretrained = pretrained ?? (model is null ? ShippedCheckpoint() : null), Predict = predict,
            Device = device is null ? null : FineTune.Vision.Core.TorchBackend.ParseDevice(device),
            Epochs = epochs ?? defaults.Epochs, BatchSize = batch ?? defaults.BatchSize, Out = output ?? defaults.Out,
        };
    }

    private static string Value(IReadOnlyList<string> args, ref int i) =>
        ++i < args.Count ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value.");

    private static int Positive(IReadOnlyList<string> args, ref int i)
    {
        string value = Value(args, ref i);
        return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0
            ? n : throw new ArgumentException($"{args[i - 1]} needs a positive integer (got '{value}').");
    }
}
