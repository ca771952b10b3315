using FineTune.Vision.Models;
using static TorchSharp.torch;

namespace FineTune.Vision.Deployment.Onnx;

/// <summary>The eval forward of each family as ONNX (the model's own modules drive what is emitted).</summary>
internal static class OnnxFamilies
{
    /// <summary>Emits <paramref name="model"/>'s forward from the graph input; returns the logits' name.</summary>
    public static string Emit(VisionModel model, OnnxEmitter e)
    {
        if (model.NumClasses == 0)
            throw new NotSupportedException($"ONNX export of '{model.Name}': the model has no classifier (num_classes 0); export a model with a head.");
        return model switch
        {
            VisionTransformer vit => Vit(vit, e),
            Beit beit => BeitModel(beit, e),
            SwinTransformer swin => Swin(swin, e),
            Cait cait => CaitModel(cait, e),
            _ => throw new NotSupportedException($"ONNX export does not support the architecture '{model.Name}' ({model.GetType().Name})."),
        };
    }

    // ---- ViT / DeiT ------------------------------------------------------------------------------------------------

    private static string Vit(VisionTransformer model, OnnxEmitter e)
    {
        var c = model.VitConfig;
        bool distilled = model is VisionTransformerDistilled;
        long grid = c.ImgSize / c.PatchSize, patches = grid * grid, dim = c.EmbedDim;
        long tokens = patches + model.NumPrefixTokens;
        var x = e.PatchEmbed(e.Input, "patch_embed", c.PatchSize, nhwc: false);
        var prefix = new List<string>();
        if (c.ClassToken) prefix.Add(e.ExpandToBatch(e.W("cls_token")));
        if (distilled) prefix.Add(e.ExpandToBatch(e.W("dist_token")));
        if (c.RegTokens > 0) prefix.Add(e.ExpandToBatch(e.W("reg_token")));
        if (c.NoEmbedClass)
        {
            x = e.Add(x, e.W("pos_embed"));
            if (prefix.Count > 0) x = e.Concat(1, [.. prefix, x]);
        }
        else
        {
            if (prefix.Count > 0) x = e.Concat(1, [.. prefix, x]);
            x = e.Add(x, e.W("pos_embed"));
        }
        for (int i = 0; i < c.Depth; i++) x = VitBlock(e, x, $"blocks.{i}", tokens, dim, c.NumHeads);
        if (!c.UseFcNorm) x = e.LayerNorm(x, "norm", 1e-6);
        if (distilled)
        {
            var logits = e.Linear(e.Gather(x, 1, 0), "head");
            var dist = e.Linear(e.Gather(x, 1, 1), "head_dist");
            return e.Scale(e.Add(logits, dist), 0.5);
        }
        var pooled = e.Pool(x, c.GlobalPool, tokens, model.NumPrefixTokens, model.Name);
        if (c.UseFcNorm) pooled = e.LayerNorm(pooled, "fc_norm", 1e-6);
        return e.Linear(pooled, "head");
    }

    /// <summary>timm <c>Block</c>: x + ls1(attn(norm1(x))); x + ls2(mlp(norm2(x))).</summary>
    private static string VitBlock(OnnxEmitter e, string x, string p, long n, long dim, int heads)
    {
        var a = e.SelfAttention(e.Linear(e.LayerNorm(x, p + ".norm1", 1e-6), p + ".attn.qkv"), n, dim, heads, bias: null);
        a = e.Linear(a, p + ".attn.proj");
        if (e.Has(p + ".ls1.gamma")) a = e.Mul(a, e.W(p + ".ls1.gamma"));
        x = e.Add(x, a);
        var m = e.Mlp(e.LayerNorm(x, p + ".norm2", 1e-6), p + ".mlp");
        if (e.Has(p + ".ls2.gamma")) m = e.Mul(m, e.W(p + ".ls2.gamma"));
        return e.Add(x, m);
    }

    // ---- BEiT ------------------------------------------------------------------------------------------------------

    private static string BeitModel(Beit model, OnnxEmitter e)
    {
        var c = (BeitConfig)model.Config;
        int grid = c.ImgSize / c.PatchSize;
        long tokens = (grid * grid) + 1, dim = c.EmbedDim;
        var x = e.PatchEmbed(e.Input, "patch_embed", c.PatchSize, nhwc: false);
        x = e.Concat(1, e.ExpandToBatch(e.W("cls_token")), x);
        if (e.Has("pos_embed")) x = e.Add(x, e.W("pos_embed"));
        using var index = c.UseRelPosBias ? RelativePosition.BeitIndex(grid, grid, null) : null;
        for (int i = 0; i < c.Depth; i++)
        {
            string p = $"blocks.{i}";
            string? relBias = null;
            if (index is not null)
            {
                string table = p + ".attn.relative_position_bias_table";
                using var bias = RelativePosition.Bias(e.Raw(table), index);
                relBias = e.Derived(p + ".attn.relative_position_bias", bias, table);
            }
            string? qkvBias = null;
            if (e.Has(p + ".attn.q_bias"))
            {
                var q = e.Raw(p + ".attn.q_bias");
                using var bias = cat([q, zeros_like(q), e.Raw(p + ".attn.v_bias")]);
                qkvBias = e.Derived(p + ".attn.qkv_bias", bias, p + ".attn.q_bias", p + ".attn.v_bias");
            }
            var a = e.LinearWithBias(e.LayerNorm(x, p + ".norm1", 1e-6), p + ".attn.qkv.weight", qkvBias);
            a = e.Linear(e.SelfAttention(a, tokens, dim, c.NumHeads, relBias), p + ".attn.proj");
            if (e.Has(p + ".gamma_1")) a = e.Mul(a, e.W(p + ".gamma_1"));
            x = e.Add(x, a);
            var m = e.Mlp(e.LayerNorm(x, p + ".norm2", 1e-6), p + ".mlp");
            if (e.Has(p + ".gamma_2")) m = e.Mul(m, e.W(p + ".gamma_2"));
            x = e.Add(x, m);
        }
        bool fcNorm = c.GlobalPool == GlobalPool.Avg;
        if (!fcNorm) x = e.LayerNorm(x, "norm", 1e-6);
        var pooled = e.Pool(x, c.GlobalPool, tokens, 1, model.Name);
        if (fcNorm) pooled = e.LayerNorm(pooled, "fc_norm", 1e-6);
        return e.Linear(pooled, "head");
    }

    // ---- Swin ------------------------------------------------------------------------------------------------------

    private static string Swin(SwinTransformer model, OnnxEmitter e)
    {
        var c = (SwinConfig)model.Config;
        if (c.GlobalPool != GlobalPool.Avg)
            throw new NotSupportedException($"ONNX export of '{model.Name}': global_pool none gives per-position logits; export a model with avg pooling.");
        var blocks = model.named_modules().Where(m => m.module is SwinTransformerBlock)
            .ToDictionary(m => m.name, m => (SwinTransformerBlock)m.module, StringComparer.Ordinal);
        long resolution = c.ImgSize / c.PatchSize, dim = c.EmbedDim;
        var x = e.LayerNorm(e.PatchEmbed(e.Input, "patch_embed", c.PatchSize, nhwc: true), "patch_embed.norm", 1e-5);
        for (int s = 0; s < c.Depths.Count; s++)
        {
            if (s > 0)
            {
                // PatchMerging: 2x2 neighbours in timm's order, norm over 4C, reduction to 2C.
                if (resolution % 2 != 0) throw new NotSupportedException($"ONNX export of '{model.Name}': odd map side {resolution} before patch merging.");
                string p = $"layers.{s}.downsample";
                x = e.Reshape(e.Transpose(e.Reshape(x, -1, resolution / 2, 2, resolution / 2, 2, dim), 0, 1, 3, 4, 2, 5),
                    -1, resolution / 2, resolution / 2, 4 * dim);
                x = e.Linear(e.LayerNorm(x, p + ".norm", 1e-5), p + ".reduction");
                resolution /= 2;
                dim *= 2;
            }
            for (int b = 0; b < c.Depths[s]; b++)
            {
                string p = $"layers.{s}.blocks.{b}";
                var block = blocks.TryGetValue(p, out var found) ? found
                    : throw new NotSupportedException($"ONNX export of '{model.Name}': '{p}' is not a SwinTransformerBlock.");
                x = SwinBlock(e, x, p, block.WindowSize, block.ShiftSize, resolution, dim, c.NumHeads[s]);
            }
        }
        x = e.LayerNorm(x, "norm", 1e-5);
        return e.Linear(e.ReduceMean(x, 1, 2), "head.fc");
    }

    /// <summary>timm <c>SwinTransformerBlock</c> on an NHWC map of side <paramref name="res"/>.</summary>
    private static string SwinBlock(OnnxEmitter e, string x, string p, int ws, int shift, long res, long dim, int heads)
    {
        long n = (long)ws * ws;
        var y = e.LayerNorm(x, p + ".norm1", 1e-5);
        if (shift > 0) y = e.Roll(e.Roll(y, 1, res, -shift), 2, res, -shift);
        long pad = (ws - (res % ws)) % ws, padded = res + pad, perSide = padded / ws;
        if (pad > 0) y = e.PadEndHw(y, pad, pad);
        var windows = e.Reshape(e.Transpose(e.Reshape(y, -1, perSide, ws, perSide, ws, dim), 0, 1, 3, 2, 4, 5), -1, n, dim);

        string table = p + ".attn.relative_position_bias_table";
        string relBias;
        using (var index = RelativePosition.SwinIndex(ws, ws, null))
        using (var bias = RelativePosition.Bias(e.Raw(table), index))
            relBias = e.Derived(p + ".attn.relative_position_bias", bias, table);
        string? mask = null;
        if (shift > 0)
        {
            using var m = SwinWindows.AttentionMask((int)res, ws, shift, null);
            using var shaped = m.reshape(1, perSide * perSide, 1, n, n);
            mask = e.Derived(p + ".attn_mask", shaped);
        }
        var a = e.SelfAttention(e.Linear(windows, p + ".attn.qkv"), n, dim, heads, relBias, mask, perSide * perSide);
        a = e.Linear(a, p + ".attn.proj");
        var merged = e.Reshape(e.Transpose(e.Reshape(a, -1, perSide, perSide, ws, ws, dim), 0, 1, 3, 2, 4, 5), -1, padded, padded, dim);
        if (pad > 0) merged = e.Slice(e.Slice(merged, 1, 0, res), 2, 0, res);
        if (shift > 0) merged = e.Roll(e.Roll(merged, 1, res, shift), 2, res, shift);
        x = e.Add(x, merged);
        return e.Add(x, e.Mlp(e.LayerNorm(x, p + ".norm2", 1e-5), p + ".mlp"));
    }

    // ---- CaiT ------------------------------------------------------------------------------------------------------

    private static string CaitModel(Cait model, OnnxEmitter e)
    {
        var c = (CaitConfig)model.Config;
        long grid = c.ImgSize / c.PatchSize, n = grid * grid, dim = c.EmbedDim, hd = dim / c.NumHeads;
        int heads = c.NumHeads;
        var x = e.Add(e.PatchEmbed(e.Input, "patch_embed", c.PatchSize, nhwc: false), e.W("pos_embed"));
        for (int i = 0; i < c.Depth; i++)
        {
            string p = $"blocks.{i}";
            // Talking heads: mix the heads of the scores with proj_l before the softmax and proj_w after it.
            string Mix(string scores, string linear) => e.Transpose(e.Linear(e.Transpose(scores, 0, 2, 3, 1), linear), 0, 3, 1, 2);
            var a = e.SelfAttention(e.Linear(e.LayerNorm(x, p + ".norm1", 1e-6), p + ".attn.qkv"), n, dim, heads, bias: null,
                mixBeforeSoftmax: s => Mix(s, p + ".attn.proj_l"), mixAfterSoftmax: s => Mix(s, p + ".attn.proj_w"));
            x = e.Add(x, e.Mul(e.Linear(a, p + ".attn.proj"), e.W(p + ".gamma_1")));
            x = e.Add(x, e.Mul(e.Mlp(e.LayerNorm(x, p + ".norm2", 1e-6), p + ".mlp"), e.W(p + ".gamma_2")));
        }
        var cls = e.ExpandToBatch(e.W("cls_token"));
        for (int i = 0; i < c.DepthTokenOnly; i++)
        {
            string p = $"blocks_token_only.{i}";
            var u = e.LayerNorm(e.Concat(1, cls, x), p + ".norm1", 1e-6);
            // Class attention: the class token queries the whole sequence.
            var q = e.Transpose(e.Reshape(e.Linear(e.Gather(u, 1, 0), p + ".attn.q"), -1, 1, heads, hd), 0, 2, 1, 3);
            var k = e.Transpose(e.Reshape(e.Linear(u, p + ".attn.k"), -1, n + 1, heads, hd), 0, 2, 3, 1);
            var v = e.Transpose(e.Reshape(e.Linear(u, p + ".attn.v"), -1, n + 1, heads, hd), 0, 2, 1, 3);
            var w = e.Softmax(e.MatMul(e.Scale(q, Math.Pow(hd, -0.5)), k));
            var a = e.Reshape(e.Transpose(e.MatMul(w, v), 0, 2, 1, 3), -1, 1, dim);
            cls = e.Add(cls, e.Mul(e.Linear(a, p + ".attn.proj"), e.W(p + ".gamma_1")));
            cls = e.Add(cls, e.Mul(e.Mlp(e.LayerNorm(cls, p + ".norm2", 1e-6), p + ".mlp"), e.W(p + ".gamma_2")));
        }
        var features = e.LayerNorm(e.Concat(1, cls, x), "norm", 1e-6);
        return e.Linear(e.Pool(features, c.GlobalPool, n + 1, 1, model.Name), "head");
    }
}
