using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Weights;

/// <summary>Places one checkpoint tensor into the model's tensor of the same name, adapting it where timm would.</summary>
internal sealed class TensorFitter(Dictionary<string, Tensor> target, WeightLoadOptions options, LoadReport report)
{
    private readonly HashSet<string> _converted = [];

    /// <summary>Copies, adapts, drops or reports <paramref name="key"/>; returns an error line when it cannot fit.</summary>
    public string? Place(string key, Tensor source)
    {
        if (!target.TryGetValue(key, out var dest))
        {
            (WeightLoader.IsRecomputed(key) ? report.IgnoredList
                : IsClassifier(key) && options.DropClassifierOnMismatch ? report.ClassifierDroppedList : report.UnexpectedList).Add(key);
            return null;
        }
        if (source.shape.SequenceEqual(dest.shape))
        {
            Copy(key, dest, source);
            return null;
        }
        if (IsClassifier(key) && options.DropClassifierOnMismatch)
        {
            report.ClassifierDroppedList.Add(key);
            report.NotesList.Add($"classifier '{key}': checkpoint [{Shape(source)}], model [{Shape(dest)}]");
            return null;
        }
        using var adapted = Adapt(key, source, dest);
        if (adapted is null)
        {
            return $"'{key}': checkpoint shape [{Shape(source)}], model shape [{Shape(dest)}]";
        }
        Copy(key, dest, adapted);
        return null;
    }

    private Tensor? Adapt(string key, Tensor source, Tensor dest)
    {
        string leaf = key[(key.LastIndexOf('.') + 1)..];
        if (options.FirstConv is { } conv && key == conv + ".weight" && source.ndim == 4 && dest.ndim == 4 && source.shape[1] == 3
            && source.shape[0] == dest.shape[0] && source.shape[2] == dest.shape[2] && source.shape[3] == dest.shape[3])
        {
            return AdaptInputConv(key, source, dest.shape[1]);
        }
        if (leaf == "pos_embed" && options.ResamplePositionEmbedding && source.ndim == 3 && dest.ndim == 3 && source.shape[2] == dest.shape[2])
        {
            return ResamplePosEmbed(key, source, dest);
        }
        if (leaf == "relative_position_bias_table" && options.ResizeRelativePositionBias && source.ndim == 2 && dest.ndim == 2
            && source.shape[1] == dest.shape[1])
        {
            return ResizeTable(key, source, dest);
        }
        return null;
    }

    private Tensor? ResamplePosEmbed(string key, Tensor source, Tensor dest)
    {
        int prefix = PrefixTokens();
        var grid = options.PatchGrid;
        if (grid is null)
        {
            grid = PositionEmbeddings.SquareGrid(dest.shape[1] - prefix);
            if (grid is null && PositionEmbeddings.SquareGrid(dest.shape[1]) is { } noPrefix)
            {
                (grid, prefix) = (noPrefix, 0);   // no_embed_class: prefix tokens carry no position embedding
            }
        }
        if (grid is not { } g || (long)g.Rows * g.Cols + prefix != dest.shape[1] || PositionEmbeddings.SquareGrid(source.shape[1] - prefix) is not { } old)
        {
            return null;
        }
        report.ResampledList.Add(new TensorResize(key, source.shape, dest.shape,
            $"{prefix} prefix tokens kept, grid {old.Rows}x{old.Cols} -> {g.Rows}x{g.Cols}, bicubic with antialias"));
        return PositionEmbeddings.ResampleAbsolute(source, g, prefix, old);
    }

    private Tensor? ResizeTable(string key, Tensor source, Tensor dest)
    {
        foreach (int extra in new[] { 0, 3 })
        {
            var window = PositionEmbeddings.SquareGrid(dest.shape[0] - extra);
            if (window is { } w && w.Rows % 2 == 1 && PositionEmbeddings.SquareGrid(source.shape[0] - extra) is { } s && s.Rows % 2 == 1)
            {
                var newWindow = ((w.Rows + 1) / 2, (w.Cols + 1) / 2);
                report.ResampledList.Add(new TensorResize(key, source.shape, dest.shape,
                    $"window {(s.Rows + 1) / 2} -> {newWindow.Item1}, bicubic{(extra > 0 ? ", 3 class entries kept" : "")}"));
                return PositionEmbeddings.ResizeRelativeBiasTable(source, newWindow, extra);
            }
        }
        return null;
    }

    /// <summary>timm <c>adapt_input_conv</c>: RGB filters for <paramref name="inChans"/> input channels.</summary>
    private Tensor AdaptInputConv(string key, Tensor source, long inChans)
    {
        using var scope = torch.NewDisposeScope();
        var w = source.to(ScalarType.Float32);
        var adapted = inChans == 1
            ? w.sum([1], keepdim: true)
            : w.repeat(1, (inChans + 2) / 3, 1, 1).narrow(1, 0, inChans).mul(3.0 / inChans);
        report.ResampledList.Add(new TensorResize(key, source.shape, adapted.shape, $"first conv adapted from 3 to {inChans} input channels (timm adapt_input_conv)"));
        return adapted.to(source.dtype).MoveToOuterDisposeScope();
    }

    private int PrefixTokens()
    {
        int n = 0;
        foreach (string name in new[] { "cls_token", "dist_token", "reg_token" })
        {
            if (target.TryGetValue(name, out var t) && t.ndim == 3)
            {
                n += (int)t.shape[1];
            }
        }
        return n;
    }

    private void Copy(string key, Tensor dest, Tensor source)
    {
        if (source.dtype != dest.dtype && _converted.Add($"{source.dtype}->{dest.dtype}"))
        {
            report.NotesList.Add($"converted {source.dtype} checkpoint tensors to the model's {dest.dtype}");
        }
        dest.copy_(source);
        report.LoadedList.Add(key);
    }

    internal static bool IsClassifierKey(WeightLoadOptions options, string key) =>
        options.ClassifierNames.Any(n => key == n + ".weight" || key == n + ".bias");

    private bool IsClassifier(string key) =>
        options.ClassifierNames.Any(n => key == n + ".weight" || key == n + ".bias");

    private static string Shape(Tensor t) => string.Join(", ", t.shape);
}
