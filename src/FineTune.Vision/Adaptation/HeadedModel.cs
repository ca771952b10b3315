using FineTune.Vision.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Adaptation;

/// <summary>
/// A backbone with a custom head (fastai's body + head): the backbone's own classifier is removed and the head is fed
/// its pooled or raw features. State-dict keys are <c>backbone.&lt;timm key&gt;</c> and <c>head.…</c>: load pretrained
/// weights into the backbone before wrapping it. Layer groups are the backbone's, then <c>head</c> (the new head, with
/// what the backbone kept in its head group, e.g. BEiT's <c>fc_norm</c>); the no-decay set is
/// the backbone's. Takes ownership of the backbone.
/// </summary>
public sealed class HeadedModel : VisionModel
{
    private readonly nn.Module<Tensor, Tensor> backbone;
    private VisionHead head;
    private readonly HeadOptions _options;
    private Dictionary<string, (int, string)> _groupOf = [];

    /// <summary>Wraps <paramref name="backbone"/> with a new head for <paramref name="numClasses"/> outputs.</summary>
    public HeadedModel(IVisionModel backbone, HeadOptions options, int numClasses) : base(nameof(HeadedModel), Checked(backbone).Config)
    {
        ArgumentNullException.ThrowIfNull(options);
        backbone.ResetClassifier(0);
        this.backbone = backbone.Module;
        _options = options;
        head = NewHead(numClasses);
        Name = backbone.Name;
        PretrainedConfig = backbone.PretrainedConfig;
        RegisterComponents();
    }

    /// <summary>The wrapped backbone.</summary>
    public IVisionModel Backbone => (IVisionModel)backbone;

    /// <summary>The head.</summary>
    public VisionHead Head => head;

    /// <summary>The backbone's <see cref="IVisionModel.GradCheckpointing"/> (its blocks are the ones checkpointed).</summary>
    public override bool GradCheckpointing
    {
        get => Backbone.GradCheckpointing;
        set => Backbone.GradCheckpointing = value;
    }

    /// <inheritdoc />
    public override int NumClasses => head.NumClasses;

    /// <inheritdoc />
    public override int NumFeatures => Backbone.NumFeatures;

    /// <summary>Class/distillation tokens before the patch tokens in the backbone's features (skipped by concat pooling).</summary>
    public int PrefixTokens => Backbone switch { VisionTransformer v => v.NumPrefixTokens, SwinTransformer or SwinTransformerV2 => 0, _ => 1 };

    /// <inheritdoc />
    public override Tensor ForwardFeatures(Tensor x) => Backbone.ForwardFeatures(x);

    /// <inheritdoc />
    public override Tensor ForwardHead(Tensor features, bool preLogits = false)
    {
        if (preLogits) return Backbone.ForwardHead(features, preLogits: true);
        return head.call(head.Input == HeadInput.Pooled ? Backbone.ForwardHead(features, preLogits: true) : features);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="numClasses"/> is below 1 (a custom head cannot be removed).</exception>
    protected override void ResetClassifierCore(int numClasses)
    {
        var fresh = NewHead(numClasses);
        ReplaceChild(nameof(head), head, fresh);
        head = fresh;
    }

    /// <inheritdoc />
    protected override bool IsNoWeightDecay(string parameterName) =>
        parameterName.StartsWith("backbone.", StringComparison.Ordinal) && Backbone.NoWeightDecay.Contains(parameterName["backbone.".Length..]);

    /// <inheritdoc />
    protected override (int Order, string Group) GroupOf(string parameterName)
    {
        if (!parameterName.StartsWith("backbone.", StringComparison.Ordinal)) return (HeadOrder, "head");
        string inner = parameterName["backbone.".Length..];
        if (!_groupOf.TryGetValue(inner, out var g))
        {
            var groups = Backbone.LayerGroups;
            _groupOf = groups.SelectMany((grp, i) => grp.ParameterNames.Select(n => (n, i, grp.Name)))
                .ToDictionary(t => t.n, t => t.i == groups.Count - 1 && t.Name == "head" ? (HeadOrder, "head") : (t.i, t.Name), StringComparer.Ordinal);
            g = _groupOf[inner];
        }
        return g;
    }

    private VisionHead NewHead(int numClasses) =>
        Heads.Create(_options, NumFeatures, numClasses, PrefixTokens, backbone.parameters().First().device);

    private static IVisionModel Checked(IVisionModel backbone)
    {
        ArgumentNullException.ThrowIfNull(backbone);
        return backbone;
    }
}
