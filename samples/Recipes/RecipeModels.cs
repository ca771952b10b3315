using System.Globalization;
using FineTune.Vision.Models;
using FineTune.Vision.Weights;
using TorchSharp;

namespace FineTune.Vision.Recipes;

/// <summary>
/// Creates a recipe's model by its timm name and loads its pretrained weights. A smoke run creates a tiny configuration
/// of the same architecture (registry name + timm-kwarg overrides: 48 px input, 2 blocks, width 32), saves a tiny
/// "pretrained" checkpoint with a 10-class head first and loads it like a hub file, so that loading, classifier
/// replacement and the load report all run.
/// </summary>
public static class RecipeModels
{
    /// <summary>Input size of the smoke models (Tiny ImageNet's 64 px images are resized to it).</summary>
    public const int SmokeImageSize = 48;

    /// <summary>The timm-kwarg overrides that make the tiny smoke configuration of <paramref name="architecture"/>.</summary>
    /// <exception cref="ArgumentException">The name is not in the registry (with suggestions).</exception>
    public static IReadOnlyDictionary<string, string> SmokeOverrides(string architecture)
    {
        string size = SmokeImageSize.ToString(CultureInfo.InvariantCulture);
        return ModelRegistry.GetConfig(architecture).Family switch
        {
            "swin" or "swinv2" => new Dictionary<string, string>
            {
                ["img_size"] = size, ["patch_size"] = "4", ["embed_dim"] = "16", ["depths"] = "2,2", ["num_heads"] = "2,4", ["window_size"] = "3",
            },
            "cait" => new Dictionary<string, string>
            {
                ["img_size"] = size, ["patch_size"] = "16", ["embed_dim"] = "32", ["depth"] = "2", ["num_heads"] = "2", ["depth_token_only"] = "1",
            },
            _ => new Dictionary<string, string>
            {
                ["img_size"] = size, ["patch_size"] = "16", ["embed_dim"] = "32", ["depth"] = "2", ["num_heads"] = "2",
            },
        };
    }

    /// <summary>
    /// Creates <paramref name="architecture"/> for <paramref name="numClasses"/> classes with drop-path rate
    /// <paramref name="dropPath"/> and loads the pretrained weights (the user's file, or the smoke run's tiny one); the
    /// load report goes to <paramref name="log"/>.
    /// </summary>
    public static VisionModel Create(string architecture, int numClasses, double dropPath, CommonOptions common, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(common);
        ArgumentNullException.ThrowIfNull(log);
        var overrides = new Dictionary<string, string>(common.Smoke ? SmokeOverrides(architecture) : new Dictionary<string, string>())
        {
            ["num_classes"] = numClasses.ToString(CultureInfo.InvariantCulture),
            ["drop_path_rate"] = dropPath.ToString("R", CultureInfo.InvariantCulture),
        };
        string weights = common.WeightsFile ?? SaveSmokeCheckpoint(architecture, common);
        log.WriteLine($"model: {architecture}{(common.Smoke ? " (smoke: tiny configuration " + Describe(SmokeOverrides(architecture)) + ")" : "")}, {numClasses} classes, drop path {dropPath}");
        log.WriteLine($"weights: {weights}");
        torch.manual_seed(common.Seed);   // the global stream the recipe's later draws (dropout, drop path) continue from
        return VisionModels.Create<ModelConfig>(architecture, c => c.WithOverrides(overrides), pretrained: weights, seed: common.Seed,
            onReport: report => log.WriteLine(report));
    }

    /// <summary>The Hugging Face hub repository of the registry's default pretrained tag of <paramref name="architecture"/>.</summary>
    public static string HubRepository(string architecture) => ModelRegistry.GetPretrainedConfig(architecture).HfHubId;

    /// <summary>How to get the weights of <paramref name="architecture"/>: hub repository and file.</summary>
    public static string WeightsHint(string architecture) =>
        $"the timm checkpoint of {architecture} from the Hugging Face hub, repository {HubRepository(architecture)}, file model.safetensors "
        + $"(e.g. `huggingface-cli download {HubRepository(architecture)} model.safetensors --local-dir weights/{architecture}`).";

    private static string SaveSmokeCheckpoint(string architecture, CommonOptions common)
    {
        string path = Path.Combine(common.OutDir, "smoke-weights", architecture + ".safetensors");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var overrides = new Dictionary<string, string>(SmokeOverrides(architecture)) { ["num_classes"] = "10" };
        using var donor = VisionModels.Create<ModelConfig>(architecture, c => c.WithOverrides(overrides), seed: common.Seed + 1);
        SafeTensors.Save(path, donor.state_dict());
        return path;
    }

    private static string Describe(IReadOnlyDictionary<string, string> overrides) =>
        string.Join(" ", overrides.Select(o => $"{o.Key}={o.Value}"));
}
