using FineTune.Vision.Tests.Reliability;
using FineTune.Vision.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Tests.Weights;

/// <summary>
/// Checkpoints shaped like real training scripts' (timm train.py, DeiT main.py, Swin's yacs config, Lightning), whose
/// non-tensor entries are instances of classes outside the allow-list: they load as inert placeholders, and hostile
/// variants are still refused with nothing executed.
/// </summary>
public sealed class TrainingCheckpointTests
{
    // {'w': float[2,3] storage 0, 'b': long[3] storage 1}
    private static PickleWriter StateDict(PickleWriter p) => p.Op('}').Mark()
        .Str("w").Tensor("FloatStorage", "0", 6, 0, [2, 3], [3, 1])
        .Str("b").Tensor("LongStorage", "1", 3, 0, [3], [1])
        .Op('u');

    // argparse.Namespace(lr=0.5, model='vit'), as protocol 2 writes it: NEWOBJ then BUILD with the instance __dict__.
    private static PickleWriter Namespace(PickleWriter p, Func<PickleWriter, PickleWriter>? extra = null)
    {
        p.Global("argparse", "Namespace").Op(')').Op(0x81).Op('}').Mark().Str("lr").Op('G').Raw(0x3f, 0xe0, 0, 0, 0, 0, 0, 0).Str("model").Str("vit");
        if (extra is not null) extra(p);
        return p.Op('u').Op('b');
    }

    private static string Save(byte[] pickle)
    {
        string path = Path.Combine(WeightsFixtures.TempDir(), "ckpt.pth");
        File.WriteAllBytes(path, TorchZip.Build(pickle, TorchZip.ValidStorages()));
        return path;
    }

    private static string TimmTrainPy(Func<PickleWriter, PickleWriter>? extraArgs = null)
    {
        var p = new PickleWriter().Proto().Op('}').Mark().Str("epoch").Int(3).Str("arch").Str("vit_tiny")
            .Str("state_dict");
        StateDict(p).Str("optimizer").Op('}').Str("state").Op('}').Op('s').Str("args");
        Namespace(p, extraArgs).Str("state_dict_ema");
        StateDict(p).Str("version").Int(2).Op('u').Stop();
        return Save(p.ToArray());
    }

    [Fact]
    public void A_timm_train_py_checkpoint_with_namespace_args_loads_its_weights()
    {
        string path = TimmTrainPy();
        using var sd = WeightsFile.Load(path);
        Assert.Equal("state_dict", sd.ContainerPath);
        Assert.Equal(new[] { "w", "b" }, sd.Keys);
        Assert.Equal(5f, sd["w"][1, 2].item<float>());
        Assert.Contains(sd.Notes, n => n.Contains("using 'state_dict'") && n.Contains("state_dict_ema"));
        using var ema = WeightsFile.Load(path, new CheckpointReadOptions { PreferEma = true });
        Assert.Equal("state_dict_ema", ema.ContainerPath);
    }

    [Fact]
    public void A_swin_checkpoint_with_a_yacs_config_dict_subclass_loads()
    {
        var p = new PickleWriter().Proto().Op('}').Mark().Str("model");
        StateDict(p).Str("config").Global("yacs.config", "CfgNode").Op(')').Op(0x81)
            .Mark().Str("MODEL").Str("swin").Str("DATA").Op('}').Op('u')
            .Op('}').Str("__immutable__").Op(0x89).Op('s').Op('b')
            .Str("max_accuracy").Op('G').Raw(new byte[8]).Op('u').Stop();
        using var sd = WeightsFile.Load(Save(p.ToArray()));
        Assert.Equal("model", sd.ContainerPath);
        Assert.Equal(2, sd.Count);
    }

    [Fact]
    public void A_namespace_whose_state_calls_os_system_is_refused_and_nothing_runs()
    {
        string marker = Path.Combine(WeightsFixtures.TempDir(), "pwned");
        string path = TimmTrainPy(p => p.Str("cmd").Global("os", "system").Mark().Str($"touch {marker}").Op('t').Reduce());
        var e = Assert.Throws<UnsafeCheckpointException>(() => WeightsFile.Load(path));
        Assert.Equal("os.system", e.GlobalName);
        Assert.False(File.Exists(marker));
    }

    [Theory]
    [InlineData("posix", "system")]
    [InlineData("subprocess", "Popen")]
    [InlineData("builtins", "getattr")]
    [InlineData("copyreg", "_reconstructor")]
    [InlineData("functools", "partial")]
    [InlineData("yacs.config", "eval")]
    [InlineData("argparse", "__import__")]
    public void Globals_that_run_code_are_refused_by_name_even_inside_placeholders(string module, string name)
    {
        string path = TimmTrainPy(p => p.Str("x").Global(module, name).Op(')').Reduce());
        var e = Assert.Throws<UnsafeCheckpointException>(() => WeightsFile.Load(path));
        Assert.Equal($"{module}.{name}", e.GlobalName);
    }

    [Fact]
    public void A_placeholder_holding_a_tensor_is_refused()
    {
        string path = TimmTrainPy(p => p.Str("w").Tensor("FloatStorage", "0", 6, 0, [6], [1]));
        var e = Assert.Throws<WeightsFormatException>(() => WeightsFile.Load(path));
        Assert.Contains("a tensor inside the state of argparse.Namespace", e.Message);
    }

    [Fact]
    public void A_placeholder_where_tensors_are_taken_is_refused_with_its_key_path()
    {
        var p = new PickleWriter().Proto().Op('}').Mark().Str("state_dict").Op('}').Mark()
            .Str("w").Tensor("FloatStorage", "0", 6, 0, [2, 3], [3, 1]).Str("blocks.0.attn");
        Namespace(p).Op('u').Op('u').Stop();
        var e = Assert.Throws<WeightsFormatException>(() => WeightsFile.Load(Save(p.ToArray())));
        Assert.Contains("'state_dict.blocks.0.attn'", e.Message);
        Assert.Contains("argparse.Namespace", e.Message);
    }

    [Fact]
    public void A_placeholder_cannot_stand_in_for_a_storage()
    {
        var p = new PickleWriter().Proto().Op('}').Str("w").Global("torch._utils", "_rebuild_tensor_v2").Mark();
        Namespace(p).Int(0).IntTuple(6).IntTuple(1).Op(0x89).Global("collections", "OrderedDict").Op(')').Reduce().Op('t').Reduce().Op('s').Stop();
        Assert.Throws<WeightsFormatException>(() => WeightsFile.Load(Save(p.ToArray())));
    }

    [Theory]
    [InlineData("net.")]
    [InlineData("module.")]
    [InlineData("backbone.")]
    [InlineData("encoder.")]
    [InlineData("_orig_mod.")]
    public void A_load_matching_nothing_names_the_common_prefix(string prefix)
    {
        string hint = WeightLoader.PrefixHint([$"{prefix}blocks.0.attn.qkv.weight", $"{prefix}head.weight"]);
        Assert.Contains($"start with '{prefix}'", hint);
        Assert.Contains("strip that prefix", hint);
    }

    private sealed class Affine : nn.Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.Parameter w = nn.Parameter(torch.randn(2, 2));
        private readonly TorchSharp.Modules.Parameter b = nn.Parameter(torch.randn(2));

        public Affine() : base(nameof(Affine)) => RegisterComponents();

        public override Tensor forward(Tensor x) => x.matmul(w.t()) + b;
    }

    private static float[] Logits(string file, WeightLoadOptions? options = null)
    {
        using var model = new Affine();
        var report = model.LoadWeights(WeightsFixtures.PathOf(file), options);
        Assert.Equal(2, report.Loaded.Count);
        using var x = torch.tensor(new float[] { 1, 2, 3, 4 }).reshape(2, 2);
        using var y = model.call(x);
        return y.data<float>().ToArray();
    }

    [Theory]
    [InlineData("timm_train.pth", "state_dict")]
    [InlineData("deit_main.pth", "model")]
    [InlineData("swin_official.pth", "model")]
    [InlineData("lightning.ckpt", "state_dict")]
    [InlineData("legacy_train.pt", "state_dict")]
    public void Real_training_script_checkpoints_give_the_plain_state_dicts_logits(string file, string container)
    {
        float[] expected = Logits("nested.pth");
        Assert.Equal(expected, Logits(file));
        using var sd = WeightsFile.Load(WeightsFixtures.PathOf(file));
        Assert.Equal(container, sd.ContainerPath);
    }

    [Theory]
    [InlineData("timm_train.pth")]
    [InlineData("deit_main.pth")]
    [InlineData("legacy_train.pt")]
    public void The_ema_copy_is_chosen_on_request(string file)
    {
        var ema = new WeightLoadOptions { Read = new CheckpointReadOptions { PreferEma = true } };
        Assert.Equal(Logits("nested.pth", new WeightLoadOptions { Read = new CheckpointReadOptions { ContainerKey = "model_ema" } }), Logits(file, ema));
    }

    [Fact]
    public void A_lightning_checkpoint_strips_the_model_prefix_and_says_so()
    {
        using var model = new Affine();
        var report = model.LoadWeights(WeightsFixtures.PathOf("lightning.ckpt"));
        Assert.Contains(report.Notes, n => n.Contains("'model.'"));
    }

    [Theory]
    [InlineData("namespace_malicious.pth")]
    [InlineData("legacy_malicious.pt")]
    public void Hostile_training_checkpoints_are_refused_unexecuted(string file)
    {
        var e = Assert.Throws<UnsafeCheckpointException>(() => WeightsFile.Load(WeightsFixtures.PathOf(file)));
        Assert.Equal("posix.system", e.GlobalName);
        Assert.False(File.Exists("finetune_vision_pwned.txt"));
    }

    [Theory]
    [InlineData("sharded")]
    [InlineData("sharded/model.safetensors.index.json")]
    public void Sharded_safetensors_load_through_the_index_or_its_folder(string path)
    {
        Assert.Equal(Logits("nested.pth"), Logits(path));
        using var sd = WeightsFile.Load(WeightsFixtures.PathOf(path));
        Assert.Contains(sd.Notes, n => n.Contains("2 safetensors shards"));
    }

    [Theory]
    [InlineData("{\"weight_map\": {\"w\": \"../model-00001-of-00002.safetensors\"}}", "not a plain file name")]
    [InlineData("{\"weight_map\": {\"w\": \"gone.safetensors\"}}", "missing")]
    [InlineData("{\"weight_map\": {\"x\": \"model-00001-of-00002.safetensors\"}}", "does not hold")]
    [InlineData("{\"metadata\": {}}", "no 'weight_map'")]
    [InlineData("{", "not valid JSON")]
    public void A_bad_shard_index_is_refused_clearly(string json, string fragment)
    {
        string dir = WeightsFixtures.TempDir();
        File.Copy(WeightsFixtures.PathOf("sharded/model-00001-of-00002.safetensors"), Path.Combine(dir, "model-00001-of-00002.safetensors"));
        string index = Path.Combine(dir, "model.safetensors.index.json");
        File.WriteAllText(index, json);
        var e = Assert.Throws<WeightsFormatException>(() => WeightsFile.Load(index));
        Assert.Contains(fragment, e.Message);
    }
}
