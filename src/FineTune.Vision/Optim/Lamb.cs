using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Optim;

/// <summary>
/// timm's <c>Lamb</c> (timm/optim/lamb.py, the NVIDIA FusedLAMB variant), without its <c>caution</c> and
/// <c>decoupled_decay</c> options: Adam moments with optional bias correction, global gradient-norm clipping to
/// <c>max_grad_norm</c>, the L2 weight decay added to the update, and the update scaled by the trust ratio
/// ‖w‖/‖update‖ (clipped to 1 with <c>trust_clip</c>) when the group decays or <c>always_adapt</c> is set.
/// </summary>
internal sealed class Lamb(IEnumerable<ManagedParamGroup> groups, bool biasCorrection, double eps, bool gradAveraging,
    double? maxGradNorm, bool trustClip, bool alwaysAdapt) : ManagedOptimizer(groups, buffers: 2)
{
    protected override void StepGroups()
    {
        Tensor? clip = GlobalClip();
        foreach (ManagedParamGroup group in Groups)
        {
            GroupOptions o = group.Options;
            o.Step++;
            var items = WithGrad(group).ToList();
            if (items.Count == 0) continue;
            double beta1 = o.Beta1, beta2 = o.Beta2, lr = o.LearningRate!.Value, wd = o.WeightDecay;
            double beta3 = gradAveraging ? 1 - beta1 : 1.0;
            double bc1 = biasCorrection ? 1 - Math.Pow(beta1, o.Step) : 1.0;
            double bc2 = biasCorrection ? 1 - Math.Pow(beta2, o.Step) : 1.0;
            foreach (var (p, g) in items)
            {
                Tensor grad = clip is null ? g : g / clip;
                Tensor expAvg = ZerosBuffer(p, 0), expAvgSq = ZerosBuffer(p, 1);
                expAvg.mul_(beta1).add_(grad, alpha: beta3);
                expAvgSq.mul_(beta2).addcmul_(grad, grad, value: 1 - beta2);
                Tensor denom = (expAvgSq.sqrt() / Math.Pow(bc2, 0.5)).add_(eps);
                Tensor update = (expAvg / bc1).div_(denom);
                if (wd != 0) update.add_(p, alpha: wd);
                if (wd != 0 || alwaysAdapt)
                {
                    Tensor wNorm = linalg.vector_norm(p), gNorm = linalg.vector_norm(update);
                    Tensor trust = torch.where((wNorm > 0).logical_and(gNorm > 0), wNorm / gNorm, torch.ones_like(wNorm));
                    if (trustClip) trust = trust.clamp_max(1.0);
                    update.mul_(trust);
                }
                p.add_(update, alpha: -lr);
            }
        }
    }

    /// <summary>timm's <c>_get_clip_grad_norm</c>: max(1, ‖all gradients‖ / max_grad_norm), or null when disabled.</summary>
    private Tensor? GlobalClip()
    {
        if (maxGradNorm is not double max) return null;
        var norms = Groups.SelectMany(WithGrad).Select(x => linalg.vector_norm(x.Grad)).ToList();
        if (norms.Count == 0) return null;
        return (linalg.vector_norm(torch.stack(norms)) / max).clamp_(min: 1.0);
    }
}
