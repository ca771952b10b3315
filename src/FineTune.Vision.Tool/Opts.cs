using System.CommandLine;

namespace FineTune.Vision.Cli;

/// <summary>Option factories the verbs share, so that the same option reads the same in every verb's help.</summary>
internal static class Opts
{
    public static Option<string> Text(string name, string description, string helpName = "VALUE") =>
        new(name) { Description = description, HelpName = helpName };

    public static Option<int> Int(string name, string description, string helpName = "N") =>
        new(name) { Description = description, HelpName = helpName };

    public static Option<double> Number(string name, string description, string helpName = "X") =>
        new(name) { Description = description, HelpName = helpName };

    public static Option<bool> Flag(string name, string description) => new(name) { Description = description };

    /// <summary>An option that may repeat (<c>--images a --images b</c>); with <paramref name="perToken"/> also <c>--name a b c</c> (argparse's <c>nargs='*'</c>).</summary>
    public static Option<string[]> Many(string name, string description, string helpName = "VALUE", bool perToken = false) =>
        new(name) { Description = description, HelpName = helpName, AllowMultipleArgumentsPerToken = perToken };

    /// <summary><c>--model NAME</c>, <c>--set key=value</c> (repeatable) and <c>--weights FILE</c>: a registry model with overrides and its weights.</summary>
    public static Option[] Model(bool weightsRequired) =>
    [
        Text("--model", "Registry architecture (timm name, e.g. vit_tiny_patch16_224).", "NAME"),
        Many("--set", "Architecture override in timm's kwarg names, key=value (repeatable: --set depth=2 --set num_classes=10).", "KEY=VALUE"),
        Text("--weights", "Weights file: safetensors or torch.save zip, timm/Hugging Face/torchvision naming (auto-detected)." + (weightsRequired ? " Required." : ""), "FILE"),
    ];

    public static Option<string> Device() => Text("--device", "cpu, cuda, cuda:N or auto (default: CUDA when available).", "DEVICE");

    public static Option[] Data() =>
    [
        Text("--data", "Dataset folder.", "DIR"),
        Text("--layout", "Dataset layout: imagefolder (default), tinyimagenet-val, tinyimagenet-train, fashion-mnist-test, fashion-mnist-train.", "LAYOUT"),
    ];

    /// <summary>A command whose action runs <paramref name="run"/> on the parsed values and the invocation's output writer.</summary>
    public static Command Verb(string name, string description, IEnumerable<Option> options, Func<VerbInput, TextWriter, int> run)
    {
        var command = new Command(name, description);
        foreach (Option option in options) command.Add(option);
        command.SetAction(parse => run(new VerbInput(parse), parse.InvocationConfiguration.Output));
        return command;
    }
}
