using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Models;

/// <summary>
/// Base of the library's backbones: <c>forward</c> is <see cref="ForwardHead"/> over <see cref="ForwardFeatures"/>,
/// input checks name the model, and <see cref="NoWeightDecay"/> / <see cref="LayerGroups"/> are built from each family's
/// name rules (timm's <c>no_weight_decay</c> and <c>group_matcher</c>).
/// </summary>
public abstract class VisionModel : nn.Module<Tensor, Tensor>, IVisionModel
{
    private IReadOnlyList<string>? _classNames;

    /// <summary>Group order of the classifier (always last).</summary>
    protected const int HeadOrder = int.MaxValue;

    /// <summary>Initialises the base.</summary>
    /// <param name="typeName">Module type name.</param>
    /// <param name="config">The validated configuration.</param>
    protected VisionModel(string typeName, ModelConfig config) : base(typeName)
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config;
        Name = typeName;
        PretrainedConfig = new PretrainedConfig { InputSize = [config.InChans, config.ImgSize, config.ImgSize] };
    }

    /// <inheritdoc />
    public string Name { get; internal set; }

    /// <inheritdoc />
    public ModelConfig Config { get; }

    /// <inheritdoc />
    /// <remarks>
    /// Settable so that a model fine-tuned with other preprocessing records it (<see cref="IVisionModel.PretrainedConfig"/>
    /// is what the model file stores and the eval presets follow), e.g. <c>model.PretrainedConfig = model.PretrainedConfig with { CropPct = 1.0 }</c>.
    /// </remarks>
    /// <exception cref="ArgumentNullException">Set to null.</exception>
    public PretrainedConfig PretrainedConfig
    {
        get => _pretrainedConfig;
        set => _pretrainedConfig = value ?? throw new ArgumentNullException(nameof(value));
    }

    private PretrainedConfig _pretrainedConfig = new();

    /// <inheritdoc />
    public abstract int NumClasses { get; }

    /// <inheritdoc />
    public abstract int NumFeatures { get; }

    /// <inheritdoc />
    public nn.Module<Tensor, Tensor> Module => this;

    /// <inheritdoc />
    public IReadOnlySet<string> NoWeightDecay =>
        named_parameters().Select(p => p.name).Where(IsNoWeightDecay).ToHashSet(StringComparer.Ordinal);

    /// <inheritdoc />
    public IReadOnlyList<LayerGroup> LayerGroups
    {
        get
        {
            var groups = new SortedDictionary<int, (string Name, List<string> Names)>();
            foreach (var (name, _) in named_parameters())
            {
                var (order, group) = GroupOf(name);
                if (!groups.TryGetValue(order, out var g)) groups[order] = g = (group, []);
                g.Names.Add(name);
            }
            return groups.Values.Select(g => new LayerGroup(g.Name, g.Names)).ToList();
        }
    }

    /// <inheritdoc />
    public virtual bool GradCheckpointing { get; set; }

    /// <summary>Whether the blocks draw random numbers in training (drop path, attention or projection dropout).</summary>
    private protected bool StochasticBlocks => Config.DropPathRate > 0 || Config.AttnDropRate > 0 || Config.ProjDropRate > 0;

    /// <summary>Whether some of those draws happen on the tensor's device (dropout); drop path draws on the CPU (see <see cref="DropPath"/>).</summary>
    private protected bool DeviceRandomBlocks => Config.AttnDropRate > 0 || Config.ProjDropRate > 0;

    /// <inheritdoc />
    public override Tensor forward(Tensor x) => ForwardHead(ForwardFeatures(x));

    /// <summary>
    /// <paramref name="x"/> through <paramref name="blocks"/>, checkpointed per block when <see cref="GradCheckpointing"/>
    /// is on (timm <c>checkpoint_seq</c>).
    /// </summary>
    private protected Tensor RunBlocks(TorchSharp.Modules.Sequential blocks, Tensor x) =>
        GradCheckpoint.Sequence(blocks, x, GradCheckpointing, StochasticBlocks, DeviceRandomBlocks);

    /// <inheritdoc cref="RunBlocks(TorchSharp.Modules.Sequential, Tensor)"/>
    private protected Tensor RunBlocks(IEnumerable<nn.Module<Tensor, Tensor>> blocks, Tensor x) =>
        GradCheckpointing ? GradCheckpoint.Sequence(blocks, x, StochasticBlocks, DeviceRandomBlocks) : blocks.Aggregate(x, (h, block) => block.call(h));

    /// <inheritdoc />
    public abstract Tensor ForwardFeatures(Tensor x);

    /// <inheritdoc />
    public abstract Tensor ForwardHead(Tensor features, bool preLogits = false);

    /// <inheritdoc />
    public void ResetClassifier(int numClasses)
    {
        ResetClassifierCore(numClasses);
        _classNames = null;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The list's count differs from <see cref="NumClasses"/>.</exception>
    public IReadOnlyList<string>? ClassNames
    {
        get => _classNames;
        set
        {
            if (value is not null && value.Count != NumClasses)
                throw new ArgumentException(
                    $"'{Name}' has {NumClasses} classifier outputs but {value.Count} class names were given; give one name per class " +
                    $"(or ResetClassifier({value.Count}) first).", nameof(value));
            _classNames = value is null ? null : [.. value];
        }
    }

    /// <summary>Replaces the classifier (the family's part of <see cref="ResetClassifier"/>, which also clears <see cref="ClassNames"/>).</summary>
    protected abstract void ResetClassifierCore(int numClasses);

    /// <summary>Whether timm excludes the named parameter from weight decay.</summary>
    protected abstract bool IsNoWeightDecay(string parameterName);

    /// <summary>The depth order and group name of a parameter (stem 0, blocks ascending, head <see cref="HeadOrder"/>).</summary>
    protected abstract (int Order, string Group) GroupOf(string parameterName);

    /// <summary>Throws when <paramref name="x"/> is not (B, in_chans, img_size, img_size), naming the model and sizes.</summary>
    protected void CheckInput(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        int size = Config.ImgSize;
        if (x.dim() != 4)
            throw new ArgumentException($"Input to '{Name}' must be NCHW (B, {Config.InChans}, {size}, {size}); got shape [{string.Join(", ", x.shape)}].", nameof(x));
        if (x.shape[1] != Config.InChans)
            throw new ArgumentException($"Input channels {x.shape[1]} don't match '{Name}' ({Config.InChans}); convert the images or set in_chans={x.shape[1]}.", nameof(x));
        if (x.shape[2] != size || x.shape[3] != size)
            throw new ArgumentException(
                $"Input size {x.shape[2]}x{x.shape[3]} doesn't match '{Name}' ({size}x{size}); resize to {size} or create the model with img_size={x.shape[2]}.",
                nameof(x));
    }

    /// <summary>The device of the model's parameters.</summary>
    protected Device ParameterDevice => parameters().First().device;

    /// <summary>Replaces the registered child <paramref name="name"/> by <paramref name="module"/>, disposing the old one.</summary>
    protected void ReplaceChild(string name, nn.Module old, nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(old);
        register_module(name, null!);
        register_module(name, module);
        old.Dispose();
    }

    /// <summary>
    /// Registers a freshly initialised classifier for <paramref name="numClasses"/> as child <paramref name="name"/> in
    /// place of <paramref name="old"/> (disposed), on the parameters' device; returns it for the field.
    /// </summary>
    protected nn.Module<Tensor, Tensor> ReplaceClassifier(string name, nn.Module<Tensor, Tensor> old, int numClasses)
    {
        var fresh = NewHead(NumFeatures, numClasses, ParameterDevice);
        ReplaceChild(name, old, fresh);
        return fresh;
    }

    /// <summary>
    /// timm's pooling of a token sequence [B, N, C] for the classifier: the class token, the mean of the tokens after
    /// the <paramref name="prefixTokens"/> class/register tokens, or the sequence unchanged.
    /// </summary>
    protected static Tensor PoolTokens(Tensor features, GlobalPool pool, long prefixTokens)
    {
        ArgumentNullException.ThrowIfNull(features);
        return pool switch
        {
            GlobalPool.Token => features.select(1, 0),
            GlobalPool.Avg => features.narrow(1, prefixTokens, features.shape[1] - prefixTokens).mean([1]),
            _ => features,
        };
    }

    /// <summary>A freshly initialised classifier (timm: trunc-normal std 0.02, zero bias), or Identity for 0 classes.</summary>
    internal static nn.Module<Tensor, Tensor> NewHead(int inFeatures, int numClasses, Device? device)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(numClasses);
        if (numClasses == 0) return nn.Identity();
        var head = nn.Linear(inFeatures, numClasses, device: device);
        WeightInit.Linear(head);
        return head;
    }

    /// <summary>"blocks.3.attn.qkv.weight" → 3 for <paramref name="prefix"/> "blocks."; -1 when it does not match.</summary>
    protected static int IndexAfter(string name, string prefix)
    {
        if (!name.StartsWith(prefix, StringComparison.Ordinal)) return -1;
        int end = name.IndexOf('.', prefix.Length);
        return int.TryParse(end < 0 ? name[prefix.Length..] : name[prefix.Length..end], out int i) ? i : -1;
    }
}
