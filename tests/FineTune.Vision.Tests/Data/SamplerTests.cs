using System.Text.Json;
using FineTune.Vision.Core;
using FineTune.Vision.Data;
using FineTune.Vision.Optim;
using FineTune.Vision.Tests.Training;
using FineTune.Vision.Training;
using FineTune.Vision.Transforms;
using MathNet.Numerics.Distributions;
using TorchSharp;

namespace FineTune.Vision.Tests.Data;

/// <summary>Repeated augmentation (against real timm's RepeatAugSampler) and weighted / class-balanced sampling.</summary>
public class SamplerTests
{
    private static readonly Lazy<JsonElement[]> TimmCases = new(() =>
        [.. JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Data", "repeat_aug_sampler.json"))).RootElement.EnumerateArray()]);

    private static RepeatAugSampler FromCase(JsonElement c, bool shuffle) => new()
    {
        NumReplicas = c.GetProperty("replicas").GetInt32(), Rank = c.GetProperty("rank").GetInt32(),
        Repeats = c.GetProperty("repeats").GetDouble(), SelectedRound = c.GetProperty("selected_round").GetInt32(),
        SelectedRatio = c.GetProperty("selected_ratio").GetDouble(), Shuffle = shuffle,
    };

    [Fact]
    public void Repeat_aug_sampler_gives_timms_indices_for_every_rank()
    {
        Assert.Equal(20, TimmCases.Value.Length);
        foreach (JsonElement c in TimmCases.Value)
        {
            int count = c.GetProperty("count").GetInt32();
            RepeatAugSampler sampler = FromCase(c, shuffle: false);
            int[] expected = [.. c.GetProperty("indices").EnumerateArray().Select(e => e.GetInt32())];
            Assert.Equal(c.GetProperty("length").GetInt32(), sampler.EpochLength(count));
            Assert.Equal(expected, sampler.EpochIndices(count, epoch: 0, seed: 0));
        }
    }

    [Fact]
    public void A_shuffled_epoch_is_the_same_structure_over_the_epochs_permutation()
    {
        foreach (JsonElement c in TimmCases.Value)
        {
            int count = c.GetProperty("count").GetInt32();
            int[] plain = [.. c.GetProperty("indices").EnumerateArray().Select(e => e.GetInt32())];
            int[] permutation = DatasetExtensions.Permutation(count, SeedMixer.Create(7, 3));
            Assert.Equal(plain.Select(i => permutation[i]), FromCase(c, shuffle: true).EpochIndices(count, epoch: 3, seed: 7));
        }
        var s = new RepeatAugSampler { SelectedRound = 0 };
        Assert.NotEqual(s.EpochIndices(90, 0, 7), s.EpochIndices(90, 1, 7)); // a new order every epoch
    }

    [Fact]
    public void Repeat_aug_sampler_names_what_is_wrong()
    {
        var e = Assert.Throws<ArgumentException>(() => new RepeatAugSampler().EpochLength(100));
        Assert.Contains("SelectedRound 256", e.Message);
        Assert.Contains("RepeatAugSampler.Rank must be in [0, 2)", Assert.Throws<ArgumentException>(() => new RepeatAugSampler { NumReplicas = 2, Rank = 2 }.EpochLength(1000)).Message);
        Assert.Contains("Repeats must be ≥ 1", Assert.Throws<ArgumentException>(() => new RepeatAugSampler { Repeats = 0.5 }.EpochLength(1000)).Message);
        var options = Assert.Throws<ArgumentException>(() => new DataLoaderOptions { Shuffle = true, Sampler = new RepeatAugSampler() }.Validate());
        Assert.Contains("Sampler and Shuffle exclude each other", options.Message);
    }

    [Fact]
    public void The_loader_augments_the_copies_of_an_image_differently_and_repeatably()
    {
        IImageDataset data = TrainingFixtures.FashionTrain(30);
        var encoder = new SampleEncoder(new RandomCrop(28, 28, padding: 4), 28, 28, Normalization.Inception, new RandomErasing(1.0));
        var sampler = new RepeatAugSampler { Repeats = 3, SelectedRound = 0 };
        (long[] Indices, float[] Pixels) Run(int workers)
        {
            using var loader = new DataLoader(data.With(encoder), new DataLoaderOptions { BatchSize = 6, Workers = workers, Sampler = sampler, Seed = 5 });
            Assert.Equal(5, loader.BatchesPerEpoch); // 30 images, 3 copies, selection 30 / 1 replica: 30 positions
            List<long> indices = [];
            List<float> pixels = [];
            foreach (Batch batch in loader.Epoch(0))
            {
                indices.AddRange(batch.SampleIndices.Select(i => (long)i));
                pixels.AddRange(batch.Images.data<float>().ToArray());
            }
            return ([.. indices], [.. pixels]);
        }
        var one = Run(1);
        Assert.Equal(sampler.EpochIndices(30, 0, 5).Select(i => (long)i), one.Indices);
        Assert.Equal(10, one.Indices.Distinct().Count());
        int pixelsPerImage = one.Pixels.Length / 30; // C x 28 x 28
        for (int copy = 0; copy < 30; copy += 3)
        {
            Assert.Equal(one.Indices[copy], one.Indices[copy + 1]);
            ReadOnlySpan<float> first = one.Pixels.AsSpan(copy * pixelsPerImage, pixelsPerImage), second = one.Pixels.AsSpan((copy + 1) * pixelsPerImage, pixelsPerImage);
            Assert.False(first.SequenceEqual(second), $"copies {copy} and {copy + 1} of image {one.Indices[copy]} were augmented alike");
        }
        var three = Run(3);
        Assert.Equal(one.Indices, three.Indices);
        Assert.Equal(one.Pixels, three.Pixels);
    }

    [Fact]
    public void The_trainer_takes_a_sampler_for_the_loader_it_makes()
    {
        using var threads = TrainingFixtures.SingleThread();
        using var model = TrainingFixtures.Model(TrainingFixtures.MicroVit);
        using var trainer = new Trainer(model, new TrainerOptions
        {
            Epochs = 1, BatchSize = 8, Workers = 1, Optimizer = Optimizers.AdamW(1e-3),
            Sampler = new RepeatAugSampler { Repeats = 2, SelectedRound = 0, SelectedRatio = 0.5 }, // 2 x 20 positions
        });
        FitResult result = trainer.Fit(TrainingFixtures.Encode(TrainingFixtures.FashionTrain(20), 8));
        Assert.Equal(5, result.Steps);
    }

    /// <summary>Pearson's chi-square p-value of <paramref name="observed"/> counts against <paramref name="expected"/> ones.</summary>
    private static double ChiSquareP(IReadOnlyList<double> observed, IReadOnlyList<double> expected)
    {
        double statistic = observed.Select((o, i) => (o - expected[i]) * (o - expected[i]) / expected[i]).Sum();
        return 1 - ChiSquared.CDF(observed.Count - 1, statistic);
    }

    [Fact]
    public void Class_balanced_sampling_draws_every_class_equally_often()
    {
        // 1,000 items: 900 of class 0, 90 of class 1, 10 of class 2.
        var data = new LabelsOnly([.. Enumerable.Repeat(0, 900), .. Enumerable.Repeat(1, 90), .. Enumerable.Repeat(2, 10)]);
        var sampler = WeightedRandomSampler.ClassBalanced(data, numSamples: 30_000);
        int[] drawn = sampler.EpochIndices(1000, epoch: 0, seed: 1);
        double[] perClass = [.. Enumerable.Range(0, 3).Select(c => (double)drawn.Count(i => data.GetLabel(i) == c))];
        double p = ChiSquareP(perClass, [10_000, 10_000, 10_000]);
        Assert.True(p > 1e-3, $"class counts {string.Join(", ", perClass)}: chi-square p = {p:G3}");
        Assert.Equal(10, drawn.Where(i => i >= 990).Distinct().Count()); // the ten rare items all come up
        Assert.Equal(drawn, sampler.EpochIndices(1000, epoch: 0, seed: 1));
        Assert.NotEqual(drawn, sampler.EpochIndices(1000, epoch: 1, seed: 1));
    }

    [Fact]
    public void Weighted_sampling_follows_the_weights_with_and_without_replacement()
    {
        var sampler = new WeightedRandomSampler([1, 2, 3, 0], numSamples: 60_000);
        int[] drawn = sampler.EpochIndices(4, 0, 3);
        double[] counts = [.. Enumerable.Range(0, 3).Select(i => (double)drawn.Count(d => d == i))];
        Assert.DoesNotContain(3, drawn);
        double p = ChiSquareP(counts, [10_000, 20_000, 30_000]);
        Assert.True(p > 1e-3, $"counts {string.Join(", ", counts)}: chi-square p = {p:G3}");
        // Without replacement: distinct, never a zero weight; heavy items come first more often than light ones.
        var once = new WeightedRandomSampler([1, 1, 1, 1, 1, 1, 1, 1, 50, 0], numSamples: 9, replacement: false);
        int firstHeavy = 0;
        for (int epoch = 0; epoch < 200; epoch++)
        {
            int[] epochIndices = once.EpochIndices(10, epoch, 0);
            Assert.Equal(9, epochIndices.Distinct().Count());
            Assert.DoesNotContain(9, epochIndices);
            if (epochIndices[0] == 8) firstHeavy++;
        }
        Assert.InRange(firstHeavy, 150, 200); // P(first = heavy) = 50 / 58
        Assert.Throws<ArgumentException>(() => new WeightedRandomSampler([1, 0], numSamples: 2, replacement: false));
        Assert.Throws<ArgumentException>(() => new WeightedRandomSampler([1, double.NaN]));
        Assert.Contains("has 4 weights but the dataset has 5 items", Assert.Throws<ArgumentException>(() => sampler.EpochLength(5)).Message);
    }

    /// <summary>A dataset whose labels are all a sampler needs.</summary>
    private sealed class LabelsOnly(int[] labels) : IImageDataset
    {
        public int Count => labels.Length;
        public IReadOnlyList<string> ClassNames => ["a", "b", "c"];
        public int GetLabel(int index) => labels[index];
        public FineTune.Vision.Imaging.RgbImage Load(int index) => throw new NotSupportedException();
        public string DescribeSource(int index) => $"item {index}";
    }
}
