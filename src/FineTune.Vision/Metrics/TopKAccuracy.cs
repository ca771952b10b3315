using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Metrics;

/// <summary>
/// Running top-k accuracies (e.g. top-1 and top-5) over batches of logits and hard labels. Values leave as
/// <c>double</c>; every temporary tensor is disposed inside <see cref="Update"/>.
/// </summary>
public sealed class TopKAccuracy
{
    private readonly int[] _ks;
    private readonly long[] _correct;

    /// <summary>Creates the metric for the given k values (default 1 and 5).</summary>
    public TopKAccuracy(params int[] ks)
    {
        _ks = ks.Length == 0 ? [1, 5] : ks.ToArray();
        foreach (int k in _ks) ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k, nameof(ks));
        _correct = new long[_ks.Length];
    }

    /// <summary>The k values, in the order given.</summary>
    public IReadOnlyList<int> Ks => _ks;

    /// <summary>Samples seen.</summary>
    public long Count { get; private set; }

    /// <summary>Adds a batch: <paramref name="logits"/> [N, C] and <paramref name="labels"/> [N] (int64 class indices).</summary>
    /// <exception cref="ArgumentException">The shapes do not fit; the message quotes them.</exception>
    public void Update(Tensor logits, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(labels);
        if (logits.dim() != 2 || labels.dim() != 1 || labels.shape[0] != logits.shape[0])
            throw new ArgumentException($"Expected logits [N, C] and labels [N]; got logits [{string.Join(", ", logits.shape)}] and labels [{string.Join(", ", labels.shape)}].");
        using var scope = torch.NewDisposeScope();
        long classes = logits.shape[1];
        int maxK = (int)Math.Min(_ks.Max(), classes);
        Tensor top = logits.detach().topk(maxK, dim: 1).indexes;
        Tensor hits = top.eq(labels.to(top.device).to(ScalarType.Int64).unsqueeze(1));
        for (int i = 0; i < _ks.Length; i++)
            _correct[i] += hits.narrow(1, 0, Math.Min(_ks[i], maxK)).any(dim: 1).sum().item<long>();
        Count += logits.shape[0];
    }

    /// <summary>The top-k accuracy in [0, 1] for a k given at construction (NaN before any update).</summary>
    public double Value(int k)
    {
        int i = Array.IndexOf(_ks, k);
        if (i < 0) throw new ArgumentOutOfRangeException(nameof(k), k, $"This metric tracks k = {string.Join(", ", _ks)}.");
        return Count == 0 ? double.NaN : (double)_correct[i] / Count;
    }

    /// <summary>Forgets everything seen.</summary>
    public void Reset()
    {
        Array.Clear(_correct);
        Count = 0;
    }
}
