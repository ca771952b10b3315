namespace FineTune.Vision.Optim;

/// <summary>The optimizers the factory builds: TorchSharp's SGD, AdamW and Adam, and the library's ports of timm's LAMB, LARS and Lion.</summary>
public enum OptimizerKind
{
    /// <summary>Stochastic gradient descent with optional (Nesterov) momentum.</summary>
    Sgd,
    /// <summary>Adam with decoupled weight decay (Loshchilov and Hutter).</summary>
    AdamW,
    /// <summary>Adam with L2 weight decay added to the gradient.</summary>
    Adam,
    /// <summary>timm's <c>Lamb</c>: layer-wise adaptive Adam (trust ratio ‖w‖/‖update‖), global gradient clipping.</summary>
    Lamb,
    /// <summary>timm's <c>Lars</c>: SGD with a layer-wise trust ratio on the gradient.</summary>
    Lars,
    /// <summary>timm's <c>Lion</c>: sign of interpolated momentum, decoupled weight decay.</summary>
    Lion,
}
