using FineTune.Vision.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FineTune.Vision.Adaptation;

/// <summary>
/// Sets <c>requires_grad</c> on a model's parameters by layer group, block or name: linear probe (head only), the last
/// N blocks, fastai's <c>freeze_to</c> over the layer groups, and patterns. Every call states the whole trainable set it
/// describes, so a gradual-unfreezing callback can call <see cref="FreezeTo"/> with a smaller index at each epoch. Build
/// the optimizer up front with the frozen groups included (<see cref="ParameterGroupOptions.IncludeFrozen"/>): an
/// unfrozen group then trains without rebuilding the optimizer.
/// </summary>
public sealed class Freezer
{
    private readonly IVisionModel _model;
    private readonly FreezeOptions _options;

    /// <summary>Creates a freezer over <paramref name="model"/> (it changes nothing until called).</summary>
    public Freezer(IVisionModel model, FreezeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        _options = options ?? new FreezeOptions();
    }

    /// <summary>The groups counted by <see cref="FreezeTo"/>, lowest first, head last.</summary>
    public IReadOnlyList<LayerGroup> Groups => _options.Groups ?? _model.LayerGroups;

    /// <summary>Number of <see cref="Groups"/>.</summary>
    public int GroupCount => Groups.Count;

    /// <summary>Index of the first group with a trainable parameter (<see cref="GroupCount"/> when all are frozen).</summary>
    public int FirstTrainableGroup
    {
        get
        {
            var trainable = Named().Where(p => p.Parameter.requires_grad && !IsNorm(p.Name)).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            var groups = Groups;
            for (int i = 0; i < groups.Count; i++)
                if (groups[i].ParameterNames.Any(trainable.Contains)) return i;
            return groups.Count;
        }
    }

    /// <summary>Freezes every parameter (norms stay trainable with <see cref="FreezeOptions.TrainNorms"/>).</summary>
    public void FreezeAll() => FreezeTo(GroupCount);

    /// <summary>Makes every parameter trainable.</summary>
    public void UnfreezeAll() => FreezeTo(0);

    /// <summary>Linear probe: only the last group (the head) trains.</summary>
    public void HeadOnly() => FreezeTo(GroupCount - 1);

    /// <summary>
    /// fastai's <c>freeze_to(n)</c>: groups before <paramref name="groupIndex"/> are frozen, the rest trainable. A
    /// negative index counts from the end (<c>-1</c>: only the head; <c>-3</c>: the last three groups).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">|index| exceeds the group count.</exception>
    public void FreezeTo(int groupIndex)
    {
        var groups = Groups;
        int n = groupIndex < 0 ? groups.Count + groupIndex : groupIndex;
        if (n < 0 || n > groups.Count)
            throw new ArgumentOutOfRangeException(nameof(groupIndex), groupIndex,
                $"'{_model.Name}' has {groups.Count} layer groups ({string.Join(", ", groups.Select(g => g.Name))}); use an index in [-{groups.Count}, {groups.Count}].");
        var frozen = groups.Take(n).SelectMany(g => g.ParameterNames).ToHashSet(StringComparer.Ordinal);
        foreach (var (name, p) in Named())
        {
            p.requires_grad = !frozen.Contains(name) || IsNorm(name);
        }
    }

    /// <summary>
    /// Trains the last <paramref name="blocks"/> transformer blocks and everything after them (final norm, head);
    /// freezes the stem and earlier blocks. Blocks are the groups whose name contains <c>blocks</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="blocks"/> is negative or exceeds the block count.</exception>
    public void UnfreezeLastBlocks(int blocks) => FreezeTo(FirstGroupOfLastBlocks(blocks));

    /// <summary>
    /// The index in <see cref="Groups"/> from which <see cref="UnfreezeLastBlocks"/> trains: the first of the last
    /// <paramref name="blocks"/> block groups (or the first group after the blocks when 0).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="blocks"/> is negative or exceeds the block count.</exception>
    public int FirstGroupOfLastBlocks(int blocks)
    {
        var groups = Groups;
        var blockIndices = Enumerable.Range(0, groups.Count).Where(i => groups[i].Name.Contains("blocks", StringComparison.Ordinal)).ToList();
        if (blocks < 0 || blocks > blockIndices.Count)
            throw new ArgumentOutOfRangeException(nameof(blocks), blocks, $"'{_model.Name}' has {blockIndices.Count} block groups; use 0..{blockIndices.Count}.");
        return blocks > 0 ? blockIndices[^blocks] : blockIndices.Count > 0 ? blockIndices[^1] + 1 : groups.Count - 1;
    }

    /// <summary>Freezes the parameters named by <paramref name="pattern"/> (a parameter or any module holding it).</summary>
    /// <returns>How many parameters matched.</returns>
    public int Freeze(NamePattern pattern) => Set(pattern, false);

    /// <summary>Makes the parameters named by <paramref name="pattern"/> trainable.</summary>
    /// <returns>How many parameters matched.</returns>
    public int Unfreeze(NamePattern pattern) => Set(pattern, true);

    /// <summary>The current trainable-parameter report over <see cref="Groups"/>.</summary>
    public TrainableReport Report() => TrainableReport.Of(_model, Groups);

    private int Set(NamePattern pattern, bool trainable)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        int count = 0;
        foreach (var (name, p) in Named())
        {
            if (!pattern.MatchesParameter(name)) continue;
            p.requires_grad = trainable;
            count++;
        }
        if (count == 0)
            throw new ArgumentException($"Pattern '{pattern}' matches no parameter of '{_model.Name}' (e.g. {string.Join(", ", Named().Take(3).Select(p => p.Name))}).", nameof(pattern));
        return count;
    }

    private IEnumerable<(string Name, Parameter Parameter)> Named() => _model.Module.named_parameters();

    private HashSet<string>? _normNames;

    private bool IsNorm(string name)
    {
        if (!_options.TrainNorms) return false;
        _normNames ??= NormParameterNames(_model.Module);
        return _normNames.Contains(name);
    }

    /// <summary>Names of the parameters that belong to LayerNorm, BatchNorm or GroupNorm modules.</summary>
    public static HashSet<string> NormParameterNames(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (prefix, m) in module.named_modules())
        {
            if (m is not (LayerNorm or BatchNorm1d or BatchNorm2d or GroupNorm)) continue;
            foreach (var (n, _) in m.named_parameters(recurse: false)) names.Add(prefix.Length == 0 ? n : $"{prefix}.{n}");
        }
        return names;
    }
}
