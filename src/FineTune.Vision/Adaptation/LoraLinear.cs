using FineTune.Vision.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Adaptation;

/// <summary>
/// A LoRA adapter on an existing <see cref="Linear"/> (Hu et al. 2021; PEFT's <c>lora.Linear</c>): the Linear's output
/// gains <c>scaling · B(A(dropout(x)))</c>, A Kaiming-uniform (a = √5) and B zero, so the model is unchanged at first.
/// <para>
/// The base Linear is not replaced (timm's blocks hold it in typed fields): the adapter registers <c>lora_A</c>,
/// <c>lora_B</c> and <c>lora_dropout</c> as children of the base Linear — state-dict keys <c>…qkv.lora_A.weight</c> and
/// <c>…qkv.lora_B.weight</c> beside the unchanged <c>…qkv.weight</c> — and adds the update through a forward hook, so
/// it runs wherever the Linear is invoked with <c>call()</c>. On a fused q/k/v projection it can update only some
/// slices: then A has one r-row block per slice, <c>(slices·r, in)</c>, B one block per slice, <c>(slices·d, r)</c>.
/// </para>
/// </summary>
public sealed class LoraLinear : nn.Module<Tensor, Tensor>, IMergeableAdapter
{
    private readonly Linear _base;
    private readonly Linear lora_A;
    private readonly Linear lora_B;
    private readonly nn.Module<Tensor, Tensor> lora_dropout;
    private readonly (long Offset, long Length)[] _slices;
    private readonly Action _removeHook;

    /// <summary>Attaches an adapter to <paramref name="baseLayer"/>.</summary>
    /// <param name="baseLayer">The Linear to adapt (keeps its weights and keys).</param>
    /// <param name="rank">r.</param>
    /// <param name="alpha">lora_alpha.</param>
    /// <param name="dropout">Dropout on the adapter input.</param>
    /// <param name="useRsLora">Scale alpha / √r instead of alpha / r.</param>
    /// <param name="fusedParts">Slices of a fused q/k/v output to adapt; null adapts the whole output.</param>
    /// <exception cref="ArgumentException">The Linear already has an adapter, or its output is not divisible by 3 for slices.</exception>
    public LoraLinear(Linear baseLayer, int rank, double alpha, double dropout = 0, bool useRsLora = false, QkvParts? fusedParts = null)
        : base(nameof(LoraLinear))
    {
        ArgumentNullException.ThrowIfNull(baseLayer);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rank);
        if (baseLayer.named_children().Any(c => c.name == nameof(lora_A)))
            throw new ArgumentException("This Linear already has a LoRA adapter; merge or load into the existing one instead.", nameof(baseLayer));
        _base = baseLayer;
        var w = baseLayer.weight!;
        long outF = w.shape[0], inF = w.shape[1];
        _slices = Slices(outF, fusedParts);
        Rank = rank;
        FusedParts = fusedParts;
        Alpha = alpha;
        Scaling = useRsLora ? alpha / Math.Sqrt(rank) : alpha / rank;
        lora_A = nn.Linear(inF, _slices.Length * rank, hasBias: false, device: w.device, dtype: w.dtype);
        lora_B = nn.Linear(rank, _slices.Sum(s => s.Length), hasBias: false, device: w.device, dtype: w.dtype);
        lora_dropout = dropout > 0 ? nn.Dropout(dropout) : nn.Identity();
        using (no_grad())
        {
            nn.init.kaiming_uniform_(lora_A.weight!, a: Math.Sqrt(5));
            nn.init.zeros_(lora_B.weight!);
        }
        foreach (var (name, m) in new (string, nn.Module)[] { (nameof(lora_A), lora_A), (nameof(lora_B), lora_B), (nameof(lora_dropout), lora_dropout) })
        {
            register_module(name, m);
            baseLayer.register_module(name, m);
        }
        _removeHook = baseLayer.register_forward_hook((_, x, y) => IsMerged ? y : y + Delta(x)).remove;
        MergeableAdapters.Attach(baseLayer, this);
    }

    /// <summary>lora_alpha.</summary>
    public double Alpha { get; }

    /// <inheritdoc />
    public string Describe() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"lora r={Rank} alpha={Alpha} scaling={Scaling}{(FusedParts is { } p ? $" parts={p}" : "")}");

    /// <summary>r.</summary>
    public int Rank { get; }

    /// <summary>The scale on B·A (alpha / r, or alpha / √r).</summary>
    public double Scaling { get; }

    /// <summary>The adapted slices of a fused q/k/v projection, or null for the whole output.</summary>
    public QkvParts? FusedParts { get; }

    /// <summary>Whether the update is merged into the base weight (the hook then adds nothing).</summary>
    public bool IsMerged { get; private set; }

    /// <summary>The low-rank down-projection A (its weight is <c>lora_A.weight</c>).</summary>
    public Linear A => lora_A;

    /// <summary>The low-rank up-projection B (its weight is <c>lora_B.weight</c>).</summary>
    public Linear B => lora_B;

    /// <summary>The base Linear's output with the update: runs the base Linear, whose hook adds the update.</summary>
    public override Tensor forward(Tensor x) => _base.call(x);

    /// <summary>The update <c>scaling · B(A(dropout(x)))</c>, zero outside the adapted slices.</summary>
    public Tensor Delta(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var a = lora_A.call(lora_dropout.call(x));
        if (_slices.Length == 1 && _slices[0].Length == _base.weight!.shape[0]) return lora_B.call(a).mul(Scaling);
        var bw = lora_B.weight!;
        var pieces = new List<Tensor>();
        long cursor = 0, row = 0, outF = _base.weight!.shape[0];
        long[] lead = a.shape[..^1];
        for (int i = 0; i < _slices.Length; i++)
        {
            var (offset, length) = _slices[i];
            if (offset > cursor) pieces.Add(zeros([.. lead, offset - cursor], a.dtype, a.device));
            pieces.Add(nn.functional.linear(a.narrow(-1, i * Rank, Rank), bw.narrow(0, row, length)));
            cursor = offset + length;
            row += length;
        }
        if (cursor < outF) pieces.Add(zeros([.. lead, outF - cursor], a.dtype, a.device));
        return cat(pieces, -1).mul(Scaling);
    }

    /// <summary>Adds scaling · B·A into the base weight (for inference); the hook stops adding the update.</summary>
    public void Merge()
    {
        if (IsMerged) return;
        ApplyToBase(1.0);
        IsMerged = true;
    }

    /// <summary>Subtracts the merged update again (exact up to float rounding).</summary>
    public void Unmerge()
    {
        if (!IsMerged) return;
        ApplyToBase(-1.0);
        IsMerged = false;
    }

    /// <summary>The update as a dense matrix shaped like the base weight.</summary>
    public Tensor DeltaWeight()
    {
        using var scope = NewDisposeScope();
        var w = _base.weight!;
        var delta = zeros_like(w);
        Tensor aw = lora_A.weight!.detach(), bw = lora_B.weight!.detach();
        long row = 0;
        for (int i = 0; i < _slices.Length; i++)
        {
            var (offset, length) = _slices[i];
            delta.narrow(0, offset, length).add_(bw.narrow(0, row, length).matmul(aw.narrow(0, i * Rank, Rank)), Scaling);
            row += length;
        }
        return delta.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _removeHook();
            MergeableAdapters.Detach(_base);
        }
        base.Dispose(disposing);
    }

    private void ApplyToBase(double sign)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        _base.weight!.add_(DeltaWeight(), sign);
    }

    private static (long, long)[] Slices(long outFeatures, QkvParts? parts)
    {
        if (parts is not { } p) return [(0, outFeatures)];
        if (outFeatures % 3 != 0 || (p & QkvParts.All) == 0)
            throw new ArgumentException($"Fused q/k/v slices need an output divisible by 3 and at least one of q, k, v; got {outFeatures} outputs and parts {p}.", nameof(parts));
        long d = outFeatures / 3;
        return new[] { QkvParts.Q, QkvParts.K, QkvParts.V }.Select((f, i) => (f, i)).Where(t => p.HasFlag(t.f)).Select(t => (t.i * d, d)).ToArray();
    }
}
