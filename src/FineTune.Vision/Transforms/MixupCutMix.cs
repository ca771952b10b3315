using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Transforms;

/// <summary>
/// Mixup ("mixup: Beyond Empirical Risk Minimization", Zhang et al., 2017), CutMix (Yun et al., 2019) and the random
/// switch between them, with the semantics of timm's <c>timm.data.mixup.Mixup</c>: each image i is mixed with its
/// partner B−1−i (the batch flipped), λ ~ Beta(α, α), CutMix boxes follow λ (or <see cref="MixupCutMixOptions.CutMixMinMax"/>)
/// and λ is corrected to the box's clipped area, and the hard labels become soft targets with label smoothing.
/// </summary>
/// <remarks>
/// <para>Works <b>in place</b> on the batch tensor (float types, or uint8 with blends rounded to the nearest integer) and
/// returns new float32 targets. All randomness comes from the <see cref="Random"/> passed to <see cref="Apply(Tensor, Tensor, Random)"/>.</para>
/// <para>Odd batches are handled rather than rejected (timm asserts an even size): in <see cref="MixMode.Batch"/> and
/// <see cref="MixMode.Elem"/> modes the middle image is its own partner, so its pixels and target stay its own; in
/// <see cref="MixMode.Pair"/> mode it is left unmixed (λ = 1).</para>
/// </remarks>
public sealed partial class MixupCutMix : IBatchTransform
{
    /// <summary>Creates the transform; the options are validated here.</summary>
    /// <exception cref="ArgumentException">An option is out of range or <see cref="MixupCutMixOptions.NumClasses"/> is unset.</exception>
    public MixupCutMix(MixupCutMixOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _cutMixAlpha = options.CutMixMinMax is null ? options.CutMixAlpha : 1.0;
    }

    private readonly double _cutMixAlpha;

    /// <summary>The settings.</summary>
    public MixupCutMixOptions Options { get; }

    /// <summary>
    /// When <c>false</c>, batches pass unmixed and only label smoothing is applied (timm's <c>mixup_enabled</c>, which
    /// training loops clear for the last epochs).
    /// </summary>
    /// <value>Default: <c>true</c>.</value>
    public bool Enabled { get; set; } = true;

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The shapes or types of <paramref name="images"/> or <paramref name="labels"/> are wrong,
    /// or a label is outside [0, NumClasses).</exception>
    public Tensor Apply(Tensor images, Tensor labels, Random rng) => Apply(images, labels, rng, out _);

    /// <summary>As <see cref="Apply(Tensor, Tensor, Random)"/>, also returning the λ of every element (1 = unmixed).</summary>
    internal Tensor Apply(Tensor images, Tensor labels, Random rng, out double[] lambdas)
    {
        ArgumentNullException.ThrowIfNull(rng);
        CheckInputs(images, labels, Options.NumClasses);
        int batch = (int)images.shape[0];
        MixDraw[] draws = Draw(batch, (int)images.shape[2], (int)images.shape[3], rng);
        using (NewDisposeScope())
        {
            using var _ = no_grad();
            Mix(images, draws);
        }
        lambdas = Array.ConvertAll(draws, d => d.Lambda);
        return SoftTargets(labels, Options.NumClasses, lambdas, Options.LabelSmoothing, images.device);
    }

    /// <summary>
    /// timm's <c>mixup_target</c>: one-hot targets smoothed to ε/K off and 1 − ε + ε/K on, mixed as
    /// λᵢ·yᵢ + (1 − λᵢ)·y_(B−1−i). Each row sums to 1.
    /// </summary>
    /// <param name="labels">Hard class indices, shape (B).</param>
    /// <param name="numClasses">K, the number of classes.</param>
    /// <param name="lambdas">λ per element (B values; all 1 for label smoothing alone).</param>
    /// <param name="labelSmoothing">ε in [0, 1).</param>
    /// <param name="device">Where the targets are made; <c>null</c> means the labels' device.</param>
    /// <returns>New float32 targets (B, K); the caller owns them.</returns>
    public static Tensor SoftTargets(Tensor labels, int numClasses, ReadOnlySpan<double> lambdas, double labelSmoothing, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numClasses);
        if (labels.dim() != 1 || labels.shape[0] != lambdas.Length)
            throw new ArgumentException($"labels must have shape [{lambdas.Length}] to match the {lambdas.Length} lambdas; got [{string.Join(", ", labels.shape)}].", nameof(labels));
        device ??= labels.device;
        double off = labelSmoothing / numClasses, on = 1.0 - labelSmoothing + off;
        float[] lam = new float[lambdas.Length];
        for (int i = 0; i < lam.Length; i++) lam[i] = (float)lambdas[i];
        using var scope = NewDisposeScope();
        Tensor index = labels.to(ScalarType.Int64, device);
        Tensor y1 = nn.functional.one_hot(index, numClasses).to(ScalarType.Float32).mul_(on - off).add_(off);
        Tensor y2 = y1.flip(0);
        Tensor l = tensor(lam, device: device).view(-1, 1);
        return (y1 * l + y2 * (1 - l)).MoveToOuterDisposeScope();
    }

    private static void CheckInputs(Tensor images, Tensor labels, int numClasses)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        string imageShape = $"[{string.Join(", ", images.shape)}]", labelShape = $"[{string.Join(", ", labels.shape)}]";
        if (images.dim() != 4 || images.shape[0] == 0)
            throw new ArgumentException($"images must be a non-empty batch of shape (B, C, H, W); got {imageShape}.", nameof(images));
        if (!images.is_floating_point() && images.dtype != ScalarType.Byte)
            throw new ArgumentException($"images must be a floating-point or uint8 tensor; got {images.dtype}.", nameof(images));
        if (labels.dim() != 1 || labels.shape[0] != images.shape[0])
            throw new ArgumentException($"labels must be hard class indices of shape [{images.shape[0]}] for images {imageShape}; got {labelShape}.", nameof(labels));
        if (labels.is_floating_point() || labels.dtype == ScalarType.Bool)
            throw new ArgumentException($"labels must be integer class indices; got {labels.dtype}. Pass hard labels: this transform makes the soft targets.", nameof(labels));
        long min = labels.min().ToInt64(), max = labels.max().ToInt64();
        if (min < 0 || max >= numClasses)
            throw new ArgumentException($"labels must lie in [0, {numClasses}) for NumClasses = {numClasses}; got values from {min} to {max}.", nameof(labels));
    }

    private static void Mix(Tensor images, MixDraw[] draws)
    {
        int batch = draws.Length;
        Tensor partner = images.flip(0);
        if (Array.Exists(draws, d => d.Box is null && d.Lambda != 1.0))
        {
            var weights = new float[batch];
            for (int i = 0; i < batch; i++) weights[i] = draws[i].Box is null ? (float)draws[i].Lambda : 1f;
            Tensor w = tensor(weights, device: images.device).view(-1, 1, 1, 1);
            if (images.is_floating_point())
            {
                w = w.to(images.dtype);
                images.mul_(w).add_(partner * (1 - w));
            }
            else
            {
                Tensor mixed = images.to(ScalarType.Float32) * w + partner.to(ScalarType.Float32) * (1 - w);
                images.copy_(mixed.round_().clamp_(0, 255));
            }
        }
        CopyBoxes(images, partner, draws);
    }

    private static void CopyBoxes(Tensor images, Tensor partner, MixDraw[] draws)
    {
        if (draws[0].Box is CutBox shared && Array.TrueForAll(draws, d => d.Box == shared))
        {
            if (!shared.IsEmpty) Region(images, shared).copy_(Region(partner, shared));
            return;
        }
        for (int i = 0; i < draws.Length; i++)
        {
            if (draws[i].Box is not CutBox box || box.IsEmpty) continue;
            Region(images.narrow(0, i, 1), box).copy_(Region(partner.narrow(0, i, 1), box));
        }
    }

    private static Tensor Region(Tensor x, CutBox b) => x.narrow(2, b.Top, b.Bottom - b.Top).narrow(3, b.Left, b.Right - b.Left);
}
