using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Optim;

/// <summary>
/// timm's <c>Lars</c> (timm/optim/lars.py): when the group decays or <c>always_adapt</c> is set, the gradient plus the
/// L2 decay is scaled by trust_coeff·‖w‖/(‖g‖ + wd·‖w‖ + eps) (LARC clipping to 1 with <c>trust_clip</c>), then SGD
/// momentum with dampening and optional Nesterov. The group's <see cref="GroupOptions.Beta1"/> is the momentum.
/// </summary>
internal sealed class Lars(IEnumerable<ManagedParamGroup> groups, double dampening, bool nesterov, double trustCoeff,
    double eps, bool trustClip, bool alwaysAdapt) : ManagedOptimizer(groups, buffers: 1)
{
    protected override void StepGroups()
    {
        foreach (ManagedParamGroup group in Groups)
        {
            GroupOptions o = group.Options;
            double momentum = o.Beta1, lr = o.LearningRate!.Value, wd = o.WeightDecay;
            foreach (var (p, g) in WithGrad(group))
            {
                Tensor grad = g;
                if (wd != 0 || alwaysAdapt)
                {
                    Tensor wNorm = linalg.vector_norm(p), gNorm = linalg.vector_norm(grad);
                    Tensor ratio = trustCoeff * wNorm / (gNorm + wNorm * wd + eps);
                    Tensor trust = torch.where((wNorm > 0).logical_and(gNorm > 0), ratio, torch.ones_like(wNorm));
                    if (trustClip) trust = (trust / lr).clamp_max(1.0);
                    grad = grad.add(p, alpha: wd).mul_(trust);
                }
                if (momentum != 0)
                {
                    Tensor?[] buffers = BuffersOf(p);
                    if (buffers[0] is not Tensor buf) buf = buffers[0] = grad.detach().clone().DetachFromDisposeScope();
                    else buf.mul_(momentum).add_(grad, alpha: 1 - dampening);
                    grad = nesterov ? grad.add(buf, alpha: momentum) : buf;
                }
                p.add_(grad, alpha: -lr);
            }
        }
    }
}
