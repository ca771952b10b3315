using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Optim;

/// <summary>The two halves of a SAM step around an ordinary optimizer step (see <see cref="SamOptions"/>).</summary>
internal static class SharpnessAwareMinimization
{
    /// <summary>
    /// Moves every parameter that has a gradient by <c>e_w</c> (the reference's <c>first_step</c>) and returns the
    /// weights to put back; the caller clears the gradients, computes them again and calls <see cref="Restore"/>.
    /// </summary>
    public static List<(Parameter Parameter, Tensor Original)> Perturb(IEnumerable<Parameter> parameters, SamOptions options)
    {
        using var noGrad = torch.no_grad();
        var withGrad = parameters.Where(p => p.grad is not null).ToList();
        var saved = new List<(Parameter, Tensor)>(withGrad.Count);
        if (withGrad.Count == 0) return saved;
        using var scope = NewDisposeScope();
        Tensor norm = stack(withGrad.Select(p => (options.Adaptive ? p.abs() * p.grad! : p.grad!).norm()).ToArray()).norm();
        Tensor scale = options.Rho / (norm + 1e-12);
        foreach (Parameter p in withGrad)
        {
            saved.Add((p, p.detach().clone().DetachFromDisposeScope()));
            Tensor step = (options.Adaptive ? p.square() * p.grad! : p.grad!) * scale.to(p.dtype);
            p.add_(step);
        }
        return saved;
    }

    /// <summary>Puts the saved weights back (the reference's <c>second_step</c> before the base optimizer steps) and frees the copies.</summary>
    public static void Restore(List<(Parameter Parameter, Tensor Original)> saved)
    {
        using var noGrad = torch.no_grad();
        foreach (var (p, original) in saved)
        {
            p.copy_(original);
            original.Dispose();
        }
        saved.Clear();
    }
}
