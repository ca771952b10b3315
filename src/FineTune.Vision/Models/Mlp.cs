using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Models;

/// <summary>
/// Transformer MLP (timm <c>layers/mlp.py</c> <c>Mlp</c>): <c>fc1</c> → exact GELU → dropout → <c>fc2</c> → dropout.
/// </summary>
public sealed class Mlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly nn.Module<Tensor, Tensor> act;
    private readonly nn.Module<Tensor, Tensor> drop1;
    private readonly Linear fc2;
    private readonly nn.Module<Tensor, Tensor> drop2;

    /// <summary>Creates the MLP.</summary>
    /// <param name="inFeatures">Input and output width.</param>
    /// <param name="hiddenFeatures">Hidden width (timm: <c>int(dim * mlp_ratio)</c>).</param>
    /// <param name="drop">Dropout after the activation and after <c>fc2</c>.</param>
    /// <param name="device">Device for the parameters (e.g. meta, to count without allocating).</param>
    public Mlp(long inFeatures, long hiddenFeatures, double drop = 0.0, Device? device = null) : base(nameof(Mlp))
    {
        fc1 = nn.Linear(inFeatures, hiddenFeatures, device: device);
        act = nn.GELU();
        drop1 = nn.Dropout(drop);
        fc2 = nn.Linear(hiddenFeatures, inFeatures, device: device);
        drop2 = nn.Dropout(drop);
        RegisterComponents();
    }

    /// <summary>The second projection (BEiT rescales its initial weights per depth).</summary>
    internal Linear Fc2 => fc2;

    /// <inheritdoc />
    public override Tensor forward(Tensor x) => drop2.call(fc2.call(drop1.call(act.call(fc1.call(x)))));
}
