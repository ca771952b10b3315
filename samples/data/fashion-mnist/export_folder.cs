#:project ../../../src/FineTune.Vision/FineTune.Vision.csproj
// Writes shipped Fashion-MNIST images as an ImageFolder tree (OUT/<class>/<n>.png), the layout of a folder of your
// own photos: a quick data set for samples/YourOwnImages and for CI.
//   dotnet run samples/data/fashion-mnist/export_folder.cs -- OUT [--per-class 40] [--corrupt]
// Classes 5-9 (Sandal, Shirt, Sneaker, Bag, Ankle boot) of the shipped training subset are taken: the pretrained
// checkpoint in samples/data/pretrained never saw them. --corrupt adds one broken PNG (a PNG signature, then garbage), to
// show that an unreadable file is reported and skipped rather than ending the run.
using FineTune.Vision.Data;
using FineTune.Vision.Imaging;

if (args.Length == 0 || args[0].StartsWith('-'))
{
    Console.Error.WriteLine("usage: dotnet run samples/data/fashion-mnist/export_folder.cs -- OUT [--per-class N] [--corrupt]");
    return 2;
}
string output = args[0];
int perClass = args.SkipWhile(a => a != "--per-class").Skip(1).Select(int.Parse).FirstOrDefault(40);
string here = Path.GetDirectoryName(Path.GetFullPath(AppContext.GetData("EntryPointFilePath") as string ?? "samples/data/fashion-mnist/x"))!;
var data = IdxDataset.Open(Path.Combine(here, "train-images-idx3-ubyte.gz"), Path.Combine(here, "train-labels-idx1-ubyte.gz"),
    IdxDataset.FashionMnistClasses);
var written = new Dictionary<int, int>();
for (int i = 0; i < data.Count; i++)
{
    int label = data.GetLabel(i);
    if (label < 5 || written.GetValueOrDefault(label) >= perClass) continue;
    string folder = Path.Combine(output, data.ClassNames[label].Replace(' ', '_').ToLowerInvariant());
    Directory.CreateDirectory(folder);
    using RgbImage image = data.Load(i);
    ImageEncoder.Save(image, Path.Combine(folder, $"{i:D5}.png"));
    written[label] = written.GetValueOrDefault(label) + 1;
}
if (args.Contains("--corrupt"))
{
    byte[] broken = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, .. Enumerable.Repeat((byte)0x5A, 200)];
    File.WriteAllBytes(Path.Combine(output, "bag", "00000-broken.png"), broken);
}
Console.WriteLine($"wrote {written.Values.Sum()} images of {written.Count} classes to {output}{(args.Contains("--corrupt") ? " (+1 broken file)" : "")}");
return 0;
