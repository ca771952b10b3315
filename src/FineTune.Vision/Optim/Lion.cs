using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Optim;

/// <summary>
/// timm's <c>Lion</c> (timm/optim/lion.py) without its <c>caution</c> and <c>corrected_weight_decay</c> options:
/// decoupled weight decay, the update sign(β1·m + (1-β1)·g), then m ← β2·m + (1-β2)·g.
/// </summary>
internal sealed class Lion(IEnumerable<ManagedParamGroup> groups) : ManagedOptimizer(groups, buffers: 1)
{
    protected override void StepGroups()
    {
        foreach (ManagedParamGroup group in Groups)
        {
            GroupOptions o = group.Options;
            double beta1 = o.Beta1, beta2 = o.Beta2, lr = o.LearningRate!.Value, wd = o.WeightDecay;
            foreach (var (p, grad) in WithGrad(group))
            {
                Tensor expAvg = ZerosBuffer(p, 0);
                p.mul_(1 - lr * wd);
                Tensor update = expAvg.mul(beta1).add_(grad, alpha: 1 - beta1).sign_();
                p.add_(update, alpha: -lr);
                expAvg.mul_(beta2).add_(grad, alpha: 1 - beta2);
            }
        }
    }
}
