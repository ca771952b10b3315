using FineTune.Vision.Models;
using static TorchSharp.torch;

namespace FineTune.Vision.Deployment.Onnx;

/// <summary>
/// Emits the eval forward of the library's model families as ONNX nodes over the model's (LoRA-merged) state dict:
/// one method per module type of the Models layer (patch embedding, pre-norm and LayerScale blocks, attention with a
/// relative position bias, window attention with shifted windows, patch merging, talking heads, class attention,
/// pooling and heads). Linear weights are stored transposed for <c>MatMul</c>; relative position biases and the
/// shifted-window masks are folded into constants. Every state-dict tensor must be consumed (<see cref="CheckAllUsed"/>).
/// </summary>
internal sealed class OnnxEmitter
{
    private readonly OnnxGraph _g;
    private readonly IReadOnlyDictionary<string, Tensor> _w;
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);
    private string? _batchOnes;

    public OnnxEmitter(OnnxGraph graph, IReadOnlyDictionary<string, Tensor> weights, string input)
    {
        _g = graph;
        _w = weights;
        Input = input;
    }

    /// <summary>The graph input's name.</summary>
    public string Input { get; }

    public bool Has(string key) => _w.ContainsKey(key);

    /// <summary>The state-dict tensor <paramref name="key"/> as an initializer of the same name.</summary>
    public string W(string key)
    {
        if (!_w.TryGetValue(key, out var t)) throw new InvalidOperationException($"The state dict has no '{key}'.");
        _used.Add(key);
        return _g.Weight(key, t);
    }

    /// <summary>A tensor the export derives from state-dict tensors (marked used) under a new name.</summary>
    public string Derived(string name, Tensor value, params string[] from)
    {
        foreach (string key in from)
        {
            if (!_w.ContainsKey(key)) throw new InvalidOperationException($"The state dict has no '{key}'.");
            _used.Add(key);
        }
        return _g.Weight(name, value);
    }

    public Tensor Raw(string key) => _w.TryGetValue(key, out var t) ? t : throw new InvalidOperationException($"The state dict has no '{key}'.");

    /// <summary>Throws when a state-dict tensor was not used by any node (a module the export does not know).</summary>
    public void CheckAllUsed(string architecture)
    {
        var unused = _w.Keys.Where(k => !_used.Contains(k)).ToList();
        if (unused.Count > 0)
            throw new NotSupportedException(
                $"ONNX export of '{architecture}' left {unused.Count} tensor(s) unused ({string.Join(", ", unused.Take(5))}): the model has modules the exporter does not know.");
    }

    // ---- Elementary ops -------------------------------------------------------------------------------------------

    public string Node(string op, string[] inputs, params (string, object)[] attributes) => _g.Node(op, inputs, attributes);

    public string Add(string a, string b) => Node("Add", [a, b]);

    public string Mul(string a, string b) => Node("Mul", [a, b]);

    public string Div(string a, string b) => Node("Div", [a, b]);

    public string MatMul(string a, string b) => Node("MatMul", [a, b]);

    public string Reshape(string x, params long[] shape) => Node("Reshape", [x, _g.Int64s(shape)]);

    public string Transpose(string x, params long[] perm) => Node("Transpose", [x], ("perm", perm));

    public string Gather(string x, long axis, long index) => Node("Gather", [x, _g.Int64Scalar(index)], ("axis", axis));

    public string Slice(string x, long axis, long start, long end) =>
        Node("Slice", [x, _g.Int64s(start), _g.Int64s(end), _g.Int64s(axis)]);

    public string Concat(long axis, params string[] xs) => Node("Concat", xs, ("axis", axis));

    public string Softmax(string x) => Node("Softmax", [x], ("axis", -1L));

    public string Scale(string x, double factor) => Mul(x, _g.Scalar(factor));

    public string ReduceMean(string x, params long[] axes) => Node("ReduceMean", [x], ("axes", axes), ("keepdims", 0L));

    /// <summary><c>torch.roll</c> along a static axis of length <paramref name="length"/> (positive shifts move elements towards higher indices).</summary>
    public string Roll(string x, long axis, long length, long shift)
    {
        shift = ((shift % length) + length) % length;
        if (shift == 0) return x;
        return Concat(axis, Slice(x, axis, length - shift, length), Slice(x, axis, 0, length - shift));
    }

    /// <summary>Zero padding at the end of axes 1 and 2 of an NHWC map.</summary>
    public string PadEndHw(string x, long padH, long padW) =>
        Node("Pad", [x, _g.Int64s(0, 0, 0, 0, 0, padH, padW, 0)]);

    /// <summary>A [1, k, C] token broadcast to the batch: [B, k, C].</summary>
    public string ExpandToBatch(string token)
    {
        _batchOnes ??= Concat(0, Node("Slice", [Node("Shape", [Input]), _g.Int64s(0), _g.Int64s(1)]), _g.Int64s(1, 1));
        return Node("Expand", [token, _batchOnes]);
    }

    // ---- Modules --------------------------------------------------------------------------------------------------

    /// <summary><c>nn.Linear</c> <paramref name="prefix"/>: x @ Wᵀ (+ b).</summary>
    public string Linear(string x, string prefix)
    {
        string key = prefix + ".weight";
        _used.Add(key);
        using var scope = NewDisposeScope();
        var y = MatMul(x, _g.Weight(key, Raw(key).t()));
        return Has(prefix + ".bias") ? Add(y, W(prefix + ".bias")) : y;
    }

    /// <summary><c>nn.Linear</c> without its bias, then <paramref name="bias"/> (an initializer name) when given.</summary>
    public string LinearWithBias(string x, string weightKey, string? bias)
    {
        _used.Add(weightKey);
        using var scope = NewDisposeScope();
        var y = MatMul(x, _g.Weight(weightKey, Raw(weightKey).t()));
        return bias is null ? y : Add(y, bias);
    }

    public string LayerNorm(string x, string prefix, double eps) =>
        Node("LayerNormalization", [x, W(prefix + ".weight"), W(prefix + ".bias")], ("axis", -1L), ("epsilon", (float)eps));

    /// <summary>Exact GELU: x · ½ · (1 + erf(x / √2)) (ONNX Runtime fuses it).</summary>
    public string Gelu(string x) =>
        Mul(Mul(x, Add(Node("Erf", [Div(x, _g.Scalar(Math.Sqrt(2.0)))]), _g.Scalar(1.0))), _g.Scalar(0.5));

    /// <summary>timm <c>Mlp</c>: fc1, GELU, fc2.</summary>
    public string Mlp(string x, string prefix) => Linear(Gelu(Linear(x, prefix + ".fc1")), prefix + ".fc2");

    /// <summary>Patch embedding: stride-p convolution, then tokens [B, N, C] or an NHWC map.</summary>
    public string PatchEmbed(string x, string prefix, int patch, bool nhwc)
    {
        var y = Node("Conv", [x, W(prefix + ".proj.weight"), W(prefix + ".proj.bias")],
            ("kernel_shape", new long[] { patch, patch }), ("strides", new long[] { patch, patch }));
        if (nhwc) return Transpose(y, 0, 2, 3, 1);
        return Transpose(Reshape(y, 0, 0, -1), 0, 2, 1);
    }

    /// <summary>
    /// Heads-split attention on [B, N, 3C] fused projections: softmax(q·kᵀ·scale + bias)·v back to [B, N, C]
    /// (timm <c>Attention</c>, BEiT and Swin window attention). <paramref name="maskWindows"/> &gt; 0 adds the
    /// shifted-window mask (an initializer [1, nW, 1, N, N]) per window.
    /// </summary>
    public string SelfAttention(string qkv, long n, long c, int heads, string? bias, string? mask = null, long maskWindows = 0,
        Func<string, string>? mixBeforeSoftmax = null, Func<string, string>? mixAfterSoftmax = null)
    {
        long hd = c / heads;
        var parts = Transpose(Reshape(qkv, -1, n, 3, heads, hd), 2, 0, 3, 1, 4);
        var q = Scale(Gather(parts, 0, 0), Math.Pow(hd, -0.5));
        var k = Gather(parts, 0, 1);
        var v = Gather(parts, 0, 2);
        var scores = MatMul(q, Transpose(k, 0, 1, 3, 2));
        if (bias is not null) scores = Add(scores, bias);
        if (mask is not null) scores = Reshape(Add(Reshape(scores, -1, maskWindows, heads, n, n), mask), -1, heads, n, n);
        if (mixBeforeSoftmax is not null) scores = mixBeforeSoftmax(scores);
        var weights = Softmax(scores);
        if (mixAfterSoftmax is not null) weights = mixAfterSoftmax(weights);
        return Reshape(Transpose(MatMul(weights, v), 0, 2, 1, 3), -1, n, c);
    }

    /// <summary>Token pooling before the classifier: the class token or the mean of the tokens after the prefix.</summary>
    public string Pool(string features, GlobalPool pool, long tokens, long prefix, string architecture) => pool switch
    {
        GlobalPool.Token => Gather(features, 1, 0),
        GlobalPool.Avg => ReduceMean(Slice(features, 1, prefix, tokens), 1),
        _ => throw new NotSupportedException($"ONNX export of '{architecture}': global_pool none gives per-token logits; export a model with token or avg pooling."),
    };
}
