namespace FineTune.Vision.Optim;

/// <summary>The optimizers the factory builds, over TorchSharp's implementations.</summary>
public enum OptimizerKind
{
    /// <summary>Stochastic gradient descent with optional (Nesterov) momentum.</summary>
    Sgd,
    /// <summary>Adam with decoupled weight decay (Loshchilov and Hutter).</summary>
    AdamW,
    /// <summary>Adam with L2 weight decay added to the gradient.</summary>
    Adam,
}
