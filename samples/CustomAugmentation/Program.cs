using CustomAugmentation;
using FineTune.Vision.Imaging;
using FineTune.Vision.Samples;
using FineTune.Vision.Transforms;

// A custom augmentation next to the built-ins, previewed as a grid of augmented versions of one photograph.
//   dotnet run --project samples/CustomAugmentation -- [--image samples/data/images/chelsea.jpg] [--output preview.png]
return EntryPoint.RunProgram(() =>
{
    string repo = FindRepo();
    string imagePath = Option("--image") ?? Path.Combine(repo, "samples", "data", "images", "chelsea.jpg");
    string output = Option("--output") ?? "custom-augmentation.png";

    ITransform pipeline = new ComposeBuilder()
        .RandomResizedCrop(128)
        .RandomHorizontalFlip()
        .AddRandom(new RandomChannelShuffle(), p: 0.5)   // ours, gated by the library's RandomApply
        .Build();

    using RgbImage image = ImageDecoder.Decode(imagePath);
    AugmentationGrid.SavePng(output, image, pipeline, count: 11, seed: 42);
    Console.WriteLine($"wrote {output}: {image} and 11 augmented versions ({pipeline})");
    return 0;
});

string? Option(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;

static string FindRepo()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "FineTune.Vision.sln"))) return dir.FullName;
    return Directory.GetCurrentDirectory();
}
