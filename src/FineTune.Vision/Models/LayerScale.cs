using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Models;

/// <summary>Per-channel learnable scale (timm <c>layers/layer_scale.py</c> <c>LayerScale</c>); its parameter is <c>gamma</c>.</summary>
public sealed class LayerScale : nn.Module<Tensor, Tensor>
{
    private readonly Parameter gamma;

    /// <summary>Creates the scale with every channel at <paramref name="initValues"/>.</summary>
    public LayerScale(long dim, double initValues, Device? device = null) : base(nameof(LayerScale))
    {
        gamma = new Parameter(full(dim, initValues, device: device));
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor x) => x * gamma;
}
