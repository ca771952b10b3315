using FineTune.Vision.Data;
using FineTune.Vision.Imaging;

namespace FineTune.Vision.Tests.Adaptation;

/// <summary>The first <c>perClass</c> items of some classes of a dataset, relabelled 0..k−1 in the order the classes are given.</summary>
internal sealed class ClassSubsetDataset : IImageDataset
{
    private readonly IImageDataset _source;
    private readonly int[] _indices;
    private readonly int[] _labels;

    public ClassSubsetDataset(IImageDataset source, IReadOnlyList<int> classes, int perClass = int.MaxValue)
    {
        var newLabel = classes.Select((c, k) => (c, k)).ToDictionary(x => x.c, x => x.k);
        var taken = new int[classes.Count];
        List<int> indices = [], labels = [];
        for (int i = 0; i < source.Count; i++)
        {
            if (!newLabel.TryGetValue(source.GetLabel(i), out int label) || taken[label] >= perClass) continue;
            taken[label]++;
            indices.Add(i);
            labels.Add(label);
        }
        (_source, _indices, _labels) = (source, [.. indices], [.. labels]);
        ClassNames = [.. classes.Select(c => source.ClassNames[c])];
    }

    public int Count => _indices.Length;

    public IReadOnlyList<string> ClassNames { get; }

    public int GetLabel(int index) => _labels[index];

    public RgbImage Load(int index) => _source.Load(_indices[index]);

    public string DescribeSource(int index) => _source.DescribeSource(_indices[index]);
}
