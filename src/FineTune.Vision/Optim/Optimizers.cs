using FineTune.Vision.Adaptation;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Optim;

/// <summary>Builds SGD, AdamW and Adam over parameter groups (TorchSharp's implementations).</summary>
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
            OptimizerKind.AdamW => optim.AdamW(groups.Select(g => new AdamW.ParamGroup(Params(g), new AdamW.Options
            {
                LearningRate = options.Lr * g.LrScale, beta1 = options.Beta1, beta2 = options.Beta2, eps = options.Eps, weight_decay = g.WeightDecay, amsgrad = false, maximize = false,
            })), options.Lr, options.Beta1, options.Beta2, options.Eps, 0.01),
            _ => optim.Adam(groups.Select(g => new Adam.ParamGroup(Params(g), new Adam.Options
            {
                LearningRate = options.Lr * g.LrScale, beta1 = options.Beta1, beta2 = options.Beta2, eps = options.Eps, weight_decay = g.WeightDecay, amsgrad = false, maximize = false,
            })), options.Lr, options.Beta1, options.Beta2, options.Eps, 0),
        };
        return new TrainingOptimizer(optimizer, options, groups);
    }

    private static IEnumerable<Parameter> Params(ParameterGroup g) => g.Parameters.Select(p => p.Parameter);
}
