using FineTune.Vision.Adaptation;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Optim;

/// <summary>
/// Builds SGD, AdamW and Adam (TorchSharp's implementations; AdamW's update fused into one pass per parameter on the CPU) and LAMB, LARS and Lion (ports of timm's), optionally
/// wrapped in timm's Lookahead, over parameter groups (each with its own rate scale and weight decay).
/// </summary>
public static class Optimizers
{
    /// <summary>SGD with momentum (recipe 1: lr 1e-4, momentum 0.9, weight decay 0.01).</summary>
    public static OptimizerConfig Sgd(double lr, double momentum = 0.9, double weightDecay = 0, bool nesterov = false) =>
        new OptimizerConfig { Kind = OptimizerKind.Sgd, Lr = lr, Momentum = momentum, WeightDecay = weightDecay, Nesterov = nesterov };

    /// <summary>AdamW (weight decay defaults to PyTorch's 0.01).</summary>
    public static OptimizerConfig AdamW(double lr, double weightDecay = 0.01, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8) =>
        new OptimizerConfig { Kind = OptimizerKind.AdamW, Lr = lr, WeightDecay = weightDecay, Beta1 = beta1, Beta2 = beta2, Eps = eps };

    /// <summary>Adam.</summary>
    public static OptimizerConfig Adam(double lr, double weightDecay = 0, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8) =>
        new OptimizerConfig { Kind = OptimizerKind.Adam, Lr = lr, WeightDecay = weightDecay, Beta1 = beta1, Beta2 = beta2, Eps = eps };

    /// <summary>
    /// timm's <c>Lamb</c> (timm's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-6, weight_decay 0.01,
    /// bias_correction, grad_averaging, max_grad_norm 1.0 global gradient clipping, no trust_clip, no always_adapt).
    /// Parameters without weight decay are not adapted by the trust ratio unless <paramref name="alwaysAdapt"/>.
    /// </summary>
    /// <param name="lr">Base learning rate.</param>
    /// <param name="weightDecay">L2 weight decay added to the update of decayed parameters.</param>
    /// <param name="beta1">First-moment decay.</param>
    /// <param name="beta2">Second-moment decay.</param>
    /// <param name="eps">Denominator term.</param>
    /// <param name="maxGradNorm">Global gradient-norm clip; null disables it.</param>
    /// <param name="trustClip">Clip the trust ratio to 1 (LAMBC).</param>
    /// <param name="alwaysAdapt">Apply the trust ratio to parameters without weight decay too.</param>
    /// <param name="biasCorrection">Bias-correct the moments.</param>
    /// <param name="gradAveraging">Weight the gradient by 1 - β1 in the first moment.</param>
    public static OptimizerConfig Lamb(double lr, double weightDecay = 0.01, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-6,
        double? maxGradNorm = 1.0, bool trustClip = false, bool alwaysAdapt = false, bool biasCorrection = true, bool gradAveraging = true) =>
        new OptimizerConfig
        {
            Kind = OptimizerKind.Lamb, Lr = lr, WeightDecay = weightDecay, Beta1 = beta1, Beta2 = beta2, Eps = eps, MaxGradNorm = maxGradNorm,
            TrustClip = trustClip, AlwaysAdapt = alwaysAdapt, BiasCorrection = biasCorrection, GradAveraging = gradAveraging,
        };

    /// <summary>
    /// timm's <c>Lars</c> (timm's class defaults: lr 1.0, momentum 0, dampening 0, weight_decay 0, trust_coeff 0.001,
    /// eps 1e-8, no nesterov, trust_clip or always_adapt; timm's <c>create_optimizer_v2</c> passes momentum 0.9, as
    /// here). Parameters without weight decay get plain SGD unless <paramref name="alwaysAdapt"/>.
    /// </summary>
    /// <param name="lr">Base learning rate.</param>
    /// <param name="momentum">Momentum factor (0 disables the buffer).</param>
    /// <param name="weightDecay">L2 weight decay of decayed parameters.</param>
    /// <param name="trustCoeff">Trust coefficient of the layer-wise rate.</param>
    /// <param name="eps">Denominator term.</param>
    /// <param name="nesterov">Nesterov momentum (needs momentum and dampening 0).</param>
    /// <param name="dampening">Momentum dampening.</param>
    /// <param name="trustClip">Clip the trust ratio / lr to 1 (LARC).</param>
    /// <param name="alwaysAdapt">Apply the trust ratio to parameters without weight decay too.</param>
    public static OptimizerConfig Lars(double lr, double momentum = 0.9, double weightDecay = 0, double trustCoeff = 0.001, double eps = 1e-8,
        bool nesterov = false, double dampening = 0, bool trustClip = false, bool alwaysAdapt = false) =>
        new OptimizerConfig
        {
            Kind = OptimizerKind.Lars, Lr = lr, Momentum = momentum, WeightDecay = weightDecay, TrustCoeff = trustCoeff, Eps = eps,
            Nesterov = nesterov, Dampening = dampening, TrustClip = trustClip, AlwaysAdapt = alwaysAdapt,
        };

    /// <summary>timm's <c>Lion</c> (timm's defaults: lr 1e-4, betas (0.9, 0.99), weight_decay 0, decoupled).</summary>
    /// <param name="lr">Base learning rate (Lion wants 3-10× smaller rates than AdamW).</param>
    /// <param name="weightDecay">Decoupled weight decay of decayed parameters.</param>
    /// <param name="beta1">Interpolation factor of the update.</param>
    /// <param name="beta2">Momentum decay.</param>
    public static OptimizerConfig Lion(double lr, double weightDecay = 0, double beta1 = 0.9, double beta2 = 0.99) =>
        new OptimizerConfig { Kind = OptimizerKind.Lion, Lr = lr, WeightDecay = weightDecay, Beta1 = beta1, Beta2 = beta2 };

    /// <summary>
    /// <paramref name="inner"/> wrapped in timm's <c>Lookahead</c> (timm's defaults: alpha 0.5, k 6): every
    /// <paramref name="k"/> steps the slow weights move by <paramref name="alpha"/> toward the fast ones, which are reset to them.
    /// </summary>
    /// <param name="inner">The optimizer to wrap (any kind).</param>
    /// <param name="alpha">Slow-weight step size, in [0, 1].</param>
    /// <param name="k">Inner steps between synchronisations, ≥ 1.</param>
    public static OptimizerConfig Lookahead(OptimizerConfig inner, double alpha = 0.5, int k = 6)
    {
        ArgumentNullException.ThrowIfNull(inner);
        return inner with { Lookahead = new LookaheadOptions { Alpha = alpha, K = k } };
    }

    /// <summary>
    /// Builds the optimizer over named parameters split by <see cref="ParameterGroups.WeightDecaySplit"/> (only trainable
    /// parameters, no decay on 1-D parameters and on <paramref name="noWeightDecay"/>).
    /// </summary>
    public static TrainingOptimizer Create(OptimizerConfig options, IEnumerable<(string Name, Parameter Parameter)> parameters, IEnumerable<string>? noWeightDecay = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return Create(options, ParameterGroups.WeightDecaySplit(parameters, options.EffectiveWeightDecay, noWeightDecay));
    }

    /// <summary>Builds the optimizer over explicit groups (their weight decays and rate scales are used as given).</summary>
    /// <exception cref="ArgumentException">No group has parameters, or the options are invalid.</exception>
    public static TrainingOptimizer Create(OptimizerConfig options, IReadOnlyList<ParameterGroup> groups)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(groups);
        options.Validate();
        if (groups.Count == 0 || groups.All(g => g.Parameters.Count == 0))
            throw new ArgumentException("No parameters to optimize: every parameter is frozen or the groups are empty. Unfreeze something (e.g. the head) first.", nameof(groups));
        optim.Optimizer optimizer = options.Kind switch
        {
            OptimizerKind.Sgd => optim.SGD(groups.Select(g => new SGD.ParamGroup(Params(g), new SGD.Options
            {
                LearningRate = options.Lr * g.LrScale, momentum = options.Momentum, dampening = 0, weight_decay = g.WeightDecay, nesterov = options.Nesterov, maximize = false,
            })), options.Lr, options.Momentum, 0, 0, options.Nesterov),
            OptimizerKind.AdamW => new AdamW(groups.Select(g => new AdamW.ParamGroup(Params(g), new AdamW.Options
            {
                LearningRate = options.Lr * g.LrScale, beta1 = options.Beta1, beta2 = options.Beta2, eps = options.Eps, weight_decay = g.WeightDecay, amsgrad = false, maximize = false,
            })), options.Lr, options.Beta1, options.Beta2, options.Eps, 0.01),
            OptimizerKind.Adam => optim.Adam(groups.Select(g => new Adam.ParamGroup(Params(g), new Adam.Options
            {
                LearningRate = options.Lr * g.LrScale, beta1 = options.Beta1, beta2 = options.Beta2, eps = options.Eps, weight_decay = g.WeightDecay, amsgrad = false, maximize = false,
            })), options.Lr, options.Beta1, options.Beta2, options.Eps, 0),
            OptimizerKind.Lamb => new Lamb(Managed(options, groups, options.Beta1, options.Beta2), options.BiasCorrection, options.Eps, options.GradAveraging,
                options.MaxGradNorm, options.TrustClip, options.AlwaysAdapt),
            OptimizerKind.Lars => new Lars(Managed(options, groups, options.Momentum, 0), options.Dampening, options.Nesterov, options.TrustCoeff, options.Eps,
                options.TrustClip, options.AlwaysAdapt),
            OptimizerKind.Lion => new Lion(Managed(options, groups, options.Beta1, options.Beta2)),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Kind, $"Unknown {nameof(OptimizerKind)}."),
        };
        if (options.Lookahead is { } lookahead) optimizer = new Lookahead((OptimizerHelper)optimizer, lookahead.Alpha, lookahead.K);
        return new TrainingOptimizer(optimizer, options, groups);
    }

    private static IEnumerable<Parameter> Params(ParameterGroup g) => g.Parameters.Select(p => p.Parameter);

    private static List<ManagedParamGroup> Managed(OptimizerConfig options, IReadOnlyList<ParameterGroup> groups, double beta1, double beta2) =>
        [.. groups.Select(g => new ManagedParamGroup(Params(g), options.Lr * g.LrScale, g.WeightDecay, beta1, beta2))];
}
