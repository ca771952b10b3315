using FineTune.Vision.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace FineTune.Vision.Tests.Models;

/// <summary>Shifted-window attention: the mask equals timm's slice-built mask, and tokens only see their shifted window's region.</summary>
public sealed class SwinWindowTests
{
    [Fact]
    public void Attention_mask_equals_timm_slice_construction()
    {
        using var scope = NewDisposeScope();
        const int res = 8, ws = 4, shift = 2;
        // timm get_attn_mask: img_mask[:, h, w, :] = cnt over slices (0,-ws), (-ws,-shift), (-shift,None).
        var img = zeros(1, res, res, 1);
        int cnt = 0;
        (int Start, int End)[] bands = [(0, res - ws), (res - ws, res - shift), (res - shift, res)];
        foreach (var h in bands)
        {
            foreach (var w in bands)
            {
                img[.., TensorIndex.Slice(h.Start, h.End), TensorIndex.Slice(w.Start, w.End), ..] = cnt++;
            }
        }
        var windows = SwinWindows.Partition(img, ws).view(-1, ws * ws);
        var diff = windows.unsqueeze(1) - windows.unsqueeze(2);
        var expected = diff.masked_fill(diff.ne(0), -100.0).masked_fill(diff.eq(0), 0.0);
        var actual = SwinWindows.AttentionMask(res, ws, shift, null);
        Assert.Equal(expected.shape, actual.shape);
        Assert.True(actual.equal(expected).all().item<bool>());
    }

    [Fact]
    public void Partition_and_reverse_round_trip()
    {
        using var scope = NewDisposeScope();
        var x = randn(2, 8, 12, 3);
        var back = SwinWindows.Reverse(SwinWindows.Partition(x, 4), 4, 8, 12);
        Assert.True(back.equal(x).all().item<bool>());
    }

    [Fact]
    public void Shifted_block_output_depends_only_on_tokens_of_the_same_shifted_region()
    {
        using var scope = NewDisposeScope();
        manual_seed(0);
        using var block = new SwinTransformerBlock(16, 8, 2, 4, shift: true, 4.0, true, 0, 0, 0);
        block.eval();
        Assert.Equal(2, block.ShiftSize);
        var x = randn(1, 8, 8, 16);
        var y = block.call(x);
        var x2 = x.clone();
        x2[0, 0, 0] = randn(16);
        var changed = (block.call(x2) - y).abs().amax(-1)[0].gt(1e-6);
        // Rolled by -2, token (0,0) lands at (6,6) in the bottom-right window, in the region of originals (0..1, 0..1).
        for (int r = 0; r < 8; r++)
        {
            for (int c = 0; c < 8; c++)
            {
                bool inRegion = r < 2 && c < 2;
                Assert.True(changed[r, c].item<bool>() == inRegion, $"token ({r},{c}) changed={changed[r, c].item<bool>()}, expected {inRegion}");
            }
        }
    }

    [Fact]
    public void Without_shift_a_token_sees_exactly_its_window()
    {
        using var scope = NewDisposeScope();
        manual_seed(0);
        using var block = new SwinTransformerBlock(16, 8, 2, 4, shift: false, 4.0, true, 0, 0, 0);
        block.eval();
        var x = randn(1, 8, 8, 16);
        var x2 = x.clone();
        x2[0, 5, 6] = randn(16);
        var changed = (block.call(x2) - block.call(x)).abs().amax(-1)[0].gt(1e-6);
        Assert.Equal(16, changed.sum().item<long>());
        Assert.True(changed[TensorIndex.Slice(4, 8), TensorIndex.Slice(4, 8)].all().item<bool>());
    }

    [Fact]
    public void Window_larger_than_map_shrinks_and_stops_shifting()
    {
        using var block = new SwinTransformerBlock(16, 4, 2, 7, shift: true, 4.0, true, 0, 0, 0);
        Assert.Equal(4, block.WindowSize);
        Assert.Equal(0, block.ShiftSize);
    }
}
