using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Weights;

/// <summary>
/// Loads a checkpoint into any TorchSharp module by name (its parameters and persistent buffers): detects the
/// format and naming, converts to timm names, resamples position embeddings and relative-position-bias tables,
/// drops a classifier of another class count, checks every shape and copies under no_grad.
/// </summary>
public static class WeightLoader
{
    private static readonly string[] RecomputedBuffers = ["relative_position_index", "attn_mask"];

    /// <summary>Reads <paramref name="path"/> (safetensors or torch.save zip) and loads it into <paramref name="model"/>.</summary>
    /// <returns>What was loaded, missing, unexpected, dropped and resampled.</returns>
    /// <exception cref="CheckpointMismatchException">A shape cannot be adapted, or strict mode found missing or unexpected keys.</exception>
    /// <exception cref="WeightsFormatException">The file is malformed or unsafe.</exception>
    public static LoadReport LoadWeights(this nn.Module model, string path, WeightLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(path);
        options ??= new WeightLoadOptions();
        using var weights = WeightsFile.Load(path, options.Read);
        return model.LoadWeights(weights, options);
    }

    /// <summary>
    /// Loads <paramref name="weights"/> into <paramref name="model"/>. The state dict's keys are converted to timm
    /// naming in place; its tensors stay owned by it.
    /// </summary>
    public static LoadReport LoadWeights(this nn.Module model, StateDict weights, WeightLoadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(weights);
        options ??= new WeightLoadOptions();
        var report = new LoadReport { SourcePath = weights.SourcePath, Format = weights.Format, ContainerPath = weights.ContainerPath };
        report.Layout = KeyMaps.ConvertToTimm(weights, options.Layout);
        report.NotesList.AddRange(weights.Notes);
        var target = model.state_dict();
        var fitter = new TensorFitter(target, options, report);
        var errors = new List<string>();
        using (torch.no_grad())
        {
            foreach (var (key, source) in weights)
            {
                if (fitter.Place(key, source) is { } error)
                {
                    errors.Add(error);
                }
            }
        }
        var loaded = new HashSet<string>(report.LoadedList.Concat(report.ClassifierDroppedList), StringComparer.Ordinal);
        report.MissingList.AddRange(target.Keys.Where(k => !loaded.Contains(k) && !IsRecomputed(k)));
        Validate(errors, options, report);
        return report;
    }

    internal static bool IsRecomputed(string key) =>
        RecomputedBuffers.Any(b => key == b || key.EndsWith("." + b, StringComparison.Ordinal));

    private static void Validate(List<string> errors, WeightLoadOptions options, LoadReport report)
    {
        if (errors.Count > 0)
        {
            throw new CheckpointMismatchException(
                $"{errors.Count} checkpoint tensors do not fit the model{(report.SourcePath is null ? "" : $" ('{report.SourcePath}')")}:\n  " +
                string.Join("\n  ", errors) + "\nCheck the model configuration (img_size, patch_size, embed_dim, depth, window_size, " +
                "num_classes) against the checkpoint's.", report);
        }
        if (options.Strict && !report.IsComplete)
        {
            throw new CheckpointMismatchException(
                $"Strict loading failed: {report.MissingList.Count} missing, {report.UnexpectedList.Count} unexpected keys.\n{report}", report);
        }
    }
}
