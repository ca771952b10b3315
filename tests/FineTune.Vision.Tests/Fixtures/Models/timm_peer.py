#!/usr/bin/python3
"""A minimal peer of timm's forward paths for ViT, DeiT (distilled), BEiT, CaiT and Swin v1, written for the
logits-parity fixtures of FineTune.Vision (STYLE.md section 7 rule 12). timm itself cannot be installed here, so
this module re-implements only the inference path of each model from timm's own source, keeping:

  * timm's module attribute names, so state_dict() keys are timm's keys (non-persistent buffers stay out, as in timm);
  * timm's op order, LayerNorm eps (timm LayerNorm / CaiT: 1e-6, Swin: torch default 1e-5), exact GELU,
    attention scale head_dim ** -0.5 and Swin's -100 shifted-window mask;
  * timm's *explicit* attention path (q * scale, q @ k^T, + bias, softmax, @ v). timm uses
    F.scaled_dot_product_attention when torch has it (2.0+); Debian's torch is 1.13, which lacks it. Both compute the
    same function; the float32 difference is rounding, well under 1e-5 on these tiny models.

Read from huggingface/pytorch-image-models with the search tool's read_file (repository path @ commit):
  timm/models/vision_transformer.py @ 0041cb7ba4ab3b8b3bce5bf105300f0ee57ffc22  (Block, VisionTransformer,
                                       _pos_embed, global_pool_nlc, forward_features, forward_head)
  timm/models/deit.py               @ 7479d451a6dfd8af27f941b8e82a7402461fae80  (VisionTransformerDistilled)
  timm/models/beit.py               @ cec70b6779ea81cec0ca08ee4a257b52affd235a  (gen_relative_position_index,
                                       Attention, Block, Beit, entrypoints)
  timm/models/cait.py               current layout (Cait with global_pool / head_drop / forward_head,
                                       blocks as nn.Sequential, init_values, mlp_ratio_token_only): the stored copy
                                       found by content (the index names no commit for it); the upstream file indexed
                                       at 656757d26b78cbf35f526b454e4333b3cfda7012 is the older layout with the same
                                       module names and forward math
  timm/models/swin_transformer.py   current NHWC layout (SwinTransformerStage with downsample first,
                                       _calc_window_shift, padded get_attn_mask, PatchMerging by reshape,
                                       ClassifierHead): the stored copy found by content (the upstream file indexed at
                                       00001f91d0b9390204065ef198245aba749fad49 is the older BasicLayer layout)
  timm/layers/attention.py          @ 02bb6b3e3e423554c211eaa0c6b419461336f94e  (Attention)
  timm/layers/mlp.py                @ 0d87caeffff595d74109828fad306dd6dcdd25a2  (Mlp)
  timm/layers/patch_embed.py        @ 0ad09de3f2e99ca2e8f60614d0f992b24e43e7c6  (PatchEmbed, NHWC output)
  timm/layers/layer_scale.py        @ 2f3fed43b8888b07585242bf591a1d6cb9118b7c  (LayerScale)
  timm/layers/norm.py               @ 05ab01d555b021004df7e8b5f136974df6221d46  (LayerNorm, eps 1e-6)
  timm/layers/classifier.py         @ 00c5be7656cd8aa102138d388c323a4f6181dde6  (ClassifierHead, NHWC avg pool)

Only what the fixtures need is here: no dynamic image size, patch dropout, pre-norm, attention pooling, gradient
checkpointing or weight init (the generator sets every parameter itself). Dropout and DropPath modules are kept where
timm has them (they are no-ops in eval). Run with /usr/bin/python3 (torch 1.13, no timm).
"""
from functools import partial
from typing import Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

# timm.layers.LayerNorm is nn.LayerNorm with eps=1e-6 by default (same F.layer_norm call).
LayerNorm = partial(nn.LayerNorm, eps=1e-6)


class DropPath(nn.Module):
    """timm.layers.DropPath: identity in eval (these fixtures run in eval only)."""

    def __init__(self, drop_prob: float = 0.0):
        super().__init__()
        self.drop_prob = drop_prob

    def forward(self, x):
        assert not self.training, "the peer implements inference only"
        return x


def drop_path_or_identity(p: float) -> nn.Module:
    return DropPath(p) if p > 0.0 else nn.Identity()


class Mlp(nn.Module):
    """timm.layers.Mlp: fc1 -> act -> drop1 -> norm (Identity) -> fc2 -> drop2."""

    def __init__(self, in_features, hidden_features, act_layer=nn.GELU, drop=0.0):
        super().__init__()
        self.fc1 = nn.Linear(in_features, hidden_features)
        self.act = act_layer()
        self.drop1 = nn.Dropout(drop)
        self.norm = nn.Identity()
        self.fc2 = nn.Linear(hidden_features, in_features)
        self.drop2 = nn.Dropout(drop)

    def forward(self, x):
        return self.drop2(self.fc2(self.norm(self.drop1(self.act(self.fc1(x))))))


class PatchEmbed(nn.Module):
    """timm.layers.PatchEmbed: stride-patch conv `proj`, flatten to NLC (or permute to NHWC), optional `norm`."""

    def __init__(self, img_size, patch_size, in_chans, embed_dim, norm_layer=None, output_fmt=None):
        super().__init__()
        self.img_size = (img_size, img_size)
        self.patch_size = (patch_size, patch_size)
        self.grid_size = (img_size // patch_size, img_size // patch_size)
        self.num_patches = self.grid_size[0] * self.grid_size[1]
        self.output_fmt = output_fmt or "NCHW"
        self.flatten = output_fmt is None
        self.proj = nn.Conv2d(in_chans, embed_dim, kernel_size=patch_size, stride=patch_size)
        self.norm = norm_layer(embed_dim) if norm_layer else nn.Identity()

    def forward(self, x):
        assert tuple(x.shape[-2:]) == self.img_size, f"input {tuple(x.shape[-2:])} != model {self.img_size}"
        x = self.proj(x)
        if self.flatten:
            x = x.flatten(2).transpose(1, 2)
        elif self.output_fmt == "NHWC":
            x = x.permute(0, 2, 3, 1)
        return self.norm(x)


class LayerScale(nn.Module):
    """timm.layers.LayerScale: x * gamma."""

    def __init__(self, dim, init_values=1e-5):
        super().__init__()
        self.gamma = nn.Parameter(init_values * torch.ones(dim))

    def forward(self, x):
        return x * self.gamma


def softmax_attention(q, k, v, scale, bias=None, attn_drop=None):
    """timm's non-fused attention path: (q * scale) @ k^T (+ bias), softmax, dropout, @ v."""
    attn = (q * scale) @ k.transpose(-2, -1)
    if bias is not None:
        attn = attn + bias
    attn = attn.softmax(dim=-1)
    if attn_drop is not None:
        attn = attn_drop(attn)
    return attn @ v


# ---------------------------------------------------------------- ViT / DeiT (vision_transformer.py, deit.py)

class Attention(nn.Module):
    """timm.layers.Attention (qk_norm False, scale_norm False): qkv, q_norm/k_norm/norm Identity, proj."""

    def __init__(self, dim, num_heads=8, qkv_bias=False, attn_drop=0.0, proj_drop=0.0):
        super().__init__()
        self.num_heads = num_heads
        self.head_dim = dim // num_heads
        self.attn_dim = self.head_dim * num_heads
        self.scale = self.head_dim ** -0.5
        self.qkv = nn.Linear(dim, self.attn_dim * 3, bias=qkv_bias)
        self.q_norm = nn.Identity()
        self.k_norm = nn.Identity()
        self.attn_drop = nn.Dropout(attn_drop)
        self.norm = nn.Identity()
        self.proj = nn.Linear(self.attn_dim, dim)
        self.proj_drop = nn.Dropout(proj_drop)

    def forward(self, x):
        B, N, C = x.shape
        q, k, v = self.qkv(x).reshape(B, N, 3, self.num_heads, self.head_dim).permute(2, 0, 3, 1, 4).unbind(0)
        q, k = self.q_norm(q), self.k_norm(k)
        x = softmax_attention(q, k, v, self.scale, attn_drop=self.attn_drop)
        x = x.transpose(1, 2).reshape(B, N, self.attn_dim)
        return self.proj_drop(self.proj(self.norm(x)))


class Block(nn.Module):
    """vision_transformer.Block: pre-norm, LayerScale `ls1`/`ls2` only when init_values is truthy."""

    def __init__(self, dim, num_heads, mlp_ratio=4.0, qkv_bias=False, proj_drop=0.0, attn_drop=0.0,
                 init_values=None, drop_path=0.0, norm_layer=LayerNorm):
        super().__init__()
        self.norm1 = norm_layer(dim)
        self.attn = Attention(dim, num_heads, qkv_bias, attn_drop, proj_drop)
        self.ls1 = LayerScale(dim, init_values) if init_values else nn.Identity()
        self.drop_path1 = drop_path_or_identity(drop_path)
        self.norm2 = norm_layer(dim)
        self.mlp = Mlp(dim, int(dim * mlp_ratio), drop=proj_drop)
        self.ls2 = LayerScale(dim, init_values) if init_values else nn.Identity()
        self.drop_path2 = drop_path_or_identity(drop_path)

    def forward(self, x):
        x = x + self.drop_path1(self.ls1(self.attn(self.norm1(x))))
        x = x + self.drop_path2(self.ls2(self.mlp(self.norm2(x))))
        return x


def global_pool_nlc(x, pool_type="token", num_prefix_tokens=1):
    if not pool_type:
        return x
    if pool_type == "token":
        return x[:, 0]
    assert pool_type == "avg", pool_type
    return x[:, num_prefix_tokens:].mean(dim=1)


class VisionTransformer(nn.Module):
    """vision_transformer.VisionTransformer (learned pos_embed, no pre_norm, final_norm True, no attn pool)."""

    def __init__(self, img_size=224, patch_size=16, in_chans=3, num_classes=1000, global_pool="token",
                 embed_dim=768, depth=12, num_heads=12, mlp_ratio=4.0, qkv_bias=True, init_values=None,
                 class_token=True, no_embed_class=False, reg_tokens=0, fc_norm=None, drop_rate=0.0,
                 pos_drop_rate=0.0, proj_drop_rate=0.0, attn_drop_rate=0.0, drop_path_rate=0.0):
        super().__init__()
        assert global_pool in ("", "avg", "token")
        assert class_token or global_pool != "token"
        use_fc_norm = global_pool == "avg" if fc_norm is None else fc_norm
        self.num_classes = num_classes
        self.global_pool = global_pool
        self.embed_dim = embed_dim
        self.num_prefix_tokens = (1 if class_token else 0) + reg_tokens
        self.no_embed_class = no_embed_class

        self.patch_embed = PatchEmbed(img_size, patch_size, in_chans, embed_dim)
        num_patches = self.patch_embed.num_patches
        self.cls_token = nn.Parameter(torch.zeros(1, 1, embed_dim)) if class_token else None
        self.reg_token = nn.Parameter(torch.zeros(1, reg_tokens, embed_dim)) if reg_tokens else None
        embed_len = num_patches if no_embed_class else num_patches + self.num_prefix_tokens
        self.pos_embed = nn.Parameter(torch.zeros(1, embed_len, embed_dim))
        self.pos_drop = nn.Dropout(p=pos_drop_rate)
        self.patch_drop = nn.Identity()
        self.norm_pre = nn.Identity()
        dpr = [x.item() for x in torch.linspace(0, drop_path_rate, depth)]
        self.blocks = nn.Sequential(*[
            Block(embed_dim, num_heads, mlp_ratio, qkv_bias, proj_drop_rate, attn_drop_rate, init_values, dpr[i])
            for i in range(depth)])
        self.norm = LayerNorm(embed_dim) if not use_fc_norm else nn.Identity()
        self.fc_norm = LayerNorm(embed_dim) if use_fc_norm else nn.Identity()
        self.head_drop = nn.Dropout(drop_rate)
        self.head = nn.Linear(embed_dim, num_classes) if num_classes > 0 else nn.Identity()

    def _pos_embed(self, x):
        to_cat = []
        if self.cls_token is not None:
            to_cat.append(self.cls_token.expand(x.shape[0], -1, -1))
        if self.reg_token is not None:
            to_cat.append(self.reg_token.expand(x.shape[0], -1, -1))
        if self.no_embed_class:
            x = x + self.pos_embed
            if to_cat:
                x = torch.cat(to_cat + [x], dim=1)
        else:
            if to_cat:
                x = torch.cat(to_cat + [x], dim=1)
            x = x + self.pos_embed
        return self.pos_drop(x)

    def forward_features(self, x):
        x = self.patch_embed(x)
        x = self._pos_embed(x)
        x = self.norm_pre(self.patch_drop(x))
        x = self.blocks(x)
        return self.norm(x)

    def forward_head(self, x, pre_logits=False):
        x = global_pool_nlc(x, self.global_pool, self.num_prefix_tokens)
        x = self.head_drop(self.fc_norm(x))
        return x if pre_logits else self.head(x)

    def forward(self, x):
        return self.forward_head(self.forward_features(x))


class VisionTransformerDistilled(VisionTransformer):
    """deit.VisionTransformerDistilled: dist_token, pos_embed over 2 prefix tokens, head_dist; eval averages heads."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        assert self.global_pool == "token"
        self.num_prefix_tokens = 2
        self.dist_token = nn.Parameter(torch.zeros(1, 1, self.embed_dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, self.patch_embed.num_patches + self.num_prefix_tokens, self.embed_dim))
        self.head_dist = nn.Linear(self.embed_dim, self.num_classes) if self.num_classes > 0 else nn.Identity()
        self.distilled_training = False

    def _pos_embed(self, x):
        prefix = (self.cls_token.expand(x.shape[0], -1, -1), self.dist_token.expand(x.shape[0], -1, -1))
        if self.no_embed_class:
            x = torch.cat(prefix + (x + self.pos_embed,), dim=1)
        else:
            x = torch.cat(prefix + (x,), dim=1) + self.pos_embed
        return self.pos_drop(x)

    def forward_heads(self, x):
        """Both classifier outputs, as timm returns them in distilled training: (head(x[:, 0]), head_dist(x[:, 1]))."""
        return self.head(x[:, 0]), self.head_dist(x[:, 1])

    def forward_head(self, x, pre_logits=False):
        x, x_dist = x[:, 0], x[:, 1]
        if pre_logits:
            return (x + x_dist) / 2
        x, x_dist = self.head(x), self.head_dist(x_dist)
        if self.distilled_training and self.training:
            return x, x_dist
        return (x + x_dist) / 2


# ---------------------------------------------------------------- BEiT (beit.py)

def gen_relative_position_index(window_size: Tuple[int, int]) -> torch.Tensor:
    """beit.gen_relative_position_index: (Wh*Ww+1)^2 indices, the last three table rows for cls<->token pairs."""
    num_relative_distance = (2 * window_size[0] - 1) * (2 * window_size[1] - 1) + 3
    window_area = window_size[0] * window_size[1]
    coords = torch.stack(torch.meshgrid(torch.arange(window_size[0]), torch.arange(window_size[1]), indexing="ij"))
    coords_flatten = torch.flatten(coords, 1)
    relative_coords = (coords_flatten[:, :, None] - coords_flatten[:, None, :]).permute(1, 2, 0).contiguous()
    relative_coords[:, :, 0] += window_size[0] - 1
    relative_coords[:, :, 1] += window_size[1] - 1
    relative_coords[:, :, 0] *= 2 * window_size[1] - 1
    index = torch.zeros(size=(window_area + 1,) * 2, dtype=relative_coords.dtype)
    index[1:, 1:] = relative_coords.sum(-1)
    index[0, 0:] = num_relative_distance - 3
    index[0:, 0] = num_relative_distance - 2
    index[0, 0] = num_relative_distance - 1
    return index


class BeitAttention(nn.Module):
    """beit.Attention: qkv without bias + q_bias / zero k_bias buffer / v_bias, per-block relative position bias."""

    def __init__(self, dim, num_heads=8, qkv_bias=False, attn_drop=0.0, proj_drop=0.0, window_size=None):
        super().__init__()
        self.num_heads = num_heads
        head_dim = dim // num_heads
        all_head_dim = head_dim * num_heads
        self.scale = head_dim ** -0.5
        self.qkv = nn.Linear(dim, all_head_dim * 3, bias=False)
        if qkv_bias:
            self.q_bias = nn.Parameter(torch.zeros(all_head_dim))
            self.register_buffer("k_bias", torch.zeros(all_head_dim), persistent=False)
            self.v_bias = nn.Parameter(torch.zeros(all_head_dim))
        else:
            self.q_bias = self.k_bias = self.v_bias = None
        if window_size:
            self.window_size = window_size
            self.num_relative_distance = (2 * window_size[0] - 1) * (2 * window_size[1] - 1) + 3
            self.relative_position_bias_table = nn.Parameter(torch.zeros(self.num_relative_distance, num_heads))
            self.register_buffer("relative_position_index", gen_relative_position_index(window_size), persistent=False)
        else:
            self.window_size = None
            self.relative_position_bias_table = None
            self.relative_position_index = None
        self.attn_drop = nn.Dropout(attn_drop)
        self.proj = nn.Linear(all_head_dim, dim)
        self.proj_drop = nn.Dropout(proj_drop)

    def _get_rel_pos_bias(self):
        n = self.window_size[0] * self.window_size[1] + 1
        bias = self.relative_position_bias_table[self.relative_position_index.view(-1)].view(n, n, -1)
        return bias.permute(2, 0, 1).contiguous().unsqueeze(0)

    def forward(self, x):
        B, N, C = x.shape
        if self.q_bias is None:
            qkv = self.qkv(x)
        else:
            qkv = F.linear(x, weight=self.qkv.weight, bias=torch.cat((self.q_bias, self.k_bias, self.v_bias)))
        q, k, v = qkv.reshape(B, N, 3, self.num_heads, -1).permute(2, 0, 3, 1, 4).unbind(0)
        bias = self._get_rel_pos_bias() if self.relative_position_bias_table is not None else None
        x = softmax_attention(q, k, v, self.scale, bias, self.attn_drop)
        x = x.transpose(1, 2).reshape(B, N, C)
        return self.proj_drop(self.proj(x))


class BeitBlock(nn.Module):
    """beit.Block: LayerScale as bare gamma_1 / gamma_2 parameters when init_values is truthy."""

    def __init__(self, dim, num_heads, qkv_bias=False, mlp_ratio=4.0, proj_drop=0.0, attn_drop=0.0, drop_path=0.0,
                 init_values=None, norm_layer=LayerNorm, window_size=None):
        super().__init__()
        self.norm1 = norm_layer(dim)
        self.attn = BeitAttention(dim, num_heads, qkv_bias, attn_drop, proj_drop, window_size)
        self.drop_path1 = drop_path_or_identity(drop_path)
        self.norm2 = norm_layer(dim)
        self.mlp = Mlp(dim, int(dim * mlp_ratio), drop=proj_drop)
        self.drop_path2 = drop_path_or_identity(drop_path)
        if init_values:
            self.gamma_1 = nn.Parameter(init_values * torch.ones(dim))
            self.gamma_2 = nn.Parameter(init_values * torch.ones(dim))
        else:
            self.gamma_1, self.gamma_2 = None, None

    def forward(self, x):
        if self.gamma_1 is None:
            x = x + self.drop_path1(self.attn(self.norm1(x)))
            x = x + self.drop_path2(self.mlp(self.norm2(x)))
        else:
            x = x + self.drop_path1(self.gamma_1 * self.attn(self.norm1(x)))
            x = x + self.drop_path2(self.gamma_2 * self.mlp(self.norm2(x)))
        return x


class Beit(nn.Module):
    """beit.Beit (no shared relative position bias, no SwiGLU / scale_mlp)."""

    def __init__(self, img_size=224, patch_size=16, in_chans=3, num_classes=1000, global_pool="avg", embed_dim=768,
                 depth=12, num_heads=12, qkv_bias=True, mlp_ratio=4.0, drop_rate=0.0, pos_drop_rate=0.0,
                 proj_drop_rate=0.0, attn_drop_rate=0.0, drop_path_rate=0.0, init_values=None, use_abs_pos_emb=True,
                 use_rel_pos_bias=False, head_init_scale=0.001):
        super().__init__()
        self.num_classes = num_classes
        self.global_pool = global_pool
        self.num_prefix_tokens = 1
        self.patch_embed = PatchEmbed(img_size, patch_size, in_chans, embed_dim)
        num_patches = self.patch_embed.num_patches
        self.cls_token = nn.Parameter(torch.zeros(1, 1, embed_dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, num_patches + 1, embed_dim)) if use_abs_pos_emb else None
        self.pos_drop = nn.Dropout(p=pos_drop_rate)
        self.rel_pos_bias = None
        dpr = [x.item() for x in torch.linspace(0, drop_path_rate, depth)]
        self.blocks = nn.ModuleList([
            BeitBlock(embed_dim, num_heads, qkv_bias, mlp_ratio, proj_drop_rate, attn_drop_rate, dpr[i], init_values,
                      window_size=self.patch_embed.grid_size if use_rel_pos_bias else None)
            for i in range(depth)])
        use_fc_norm = self.global_pool == "avg"
        self.norm = nn.Identity() if use_fc_norm else LayerNorm(embed_dim)
        self.fc_norm = LayerNorm(embed_dim) if use_fc_norm else nn.Identity()
        self.head_drop = nn.Dropout(drop_rate)
        self.head = nn.Linear(embed_dim, num_classes) if num_classes > 0 else nn.Identity()

    def forward_features(self, x):
        x = self.patch_embed(x)
        x = torch.cat((self.cls_token.expand(x.shape[0], -1, -1), x), dim=1)
        if self.pos_embed is not None:
            x = x + self.pos_embed
        x = self.pos_drop(x)
        for blk in self.blocks:
            x = blk(x)
        return self.norm(x)

    def forward_head(self, x, pre_logits=False):
        if self.global_pool:
            x = x[:, self.num_prefix_tokens:].mean(dim=1) if self.global_pool == "avg" else x[:, 0]
        x = self.head_drop(self.fc_norm(x))
        return x if pre_logits else self.head(x)

    def forward(self, x):
        return self.forward_head(self.forward_features(x))


# ---------------------------------------------------------------- CaiT (cait.py)

class ClassAttn(nn.Module):
    """cait.ClassAttn: the class token (x[:, 0]) queries the whole sequence."""

    def __init__(self, dim, num_heads=8, qkv_bias=False, attn_drop=0.0, proj_drop=0.0):
        super().__init__()
        self.num_heads = num_heads
        self.scale = (dim // num_heads) ** -0.5
        self.q = nn.Linear(dim, dim, bias=qkv_bias)
        self.k = nn.Linear(dim, dim, bias=qkv_bias)
        self.v = nn.Linear(dim, dim, bias=qkv_bias)
        self.attn_drop = nn.Dropout(attn_drop)
        self.proj = nn.Linear(dim, dim)
        self.proj_drop = nn.Dropout(proj_drop)

    def forward(self, x):
        B, N, C = x.shape
        h = self.num_heads
        q = self.q(x[:, 0]).unsqueeze(1).reshape(B, 1, h, C // h).permute(0, 2, 1, 3)
        k = self.k(x).reshape(B, N, h, C // h).permute(0, 2, 1, 3)
        v = self.v(x).reshape(B, N, h, C // h).permute(0, 2, 1, 3)
        x_cls = softmax_attention(q, k, v, self.scale, attn_drop=self.attn_drop)
        x_cls = x_cls.transpose(1, 2).reshape(B, 1, C)
        return self.proj_drop(self.proj(x_cls))


class LayerScaleBlockClassAttn(nn.Module):
    """cait.LayerScaleBlockClassAttn: updates x_cls from cat(x_cls, x); one drop_path shared by both branches."""

    def __init__(self, dim, num_heads, mlp_ratio=4.0, qkv_bias=False, proj_drop=0.0, attn_drop=0.0, drop_path=0.0,
                 norm_layer=nn.LayerNorm, init_values=1e-4):
        super().__init__()
        self.norm1 = norm_layer(dim)
        self.attn = ClassAttn(dim, num_heads, qkv_bias, attn_drop, proj_drop)
        self.drop_path = drop_path_or_identity(drop_path)
        self.norm2 = norm_layer(dim)
        self.mlp = Mlp(dim, int(dim * mlp_ratio), drop=proj_drop)
        self.gamma_1 = nn.Parameter(init_values * torch.ones(dim))
        self.gamma_2 = nn.Parameter(init_values * torch.ones(dim))

    def forward(self, x, x_cls):
        u = torch.cat((x_cls, x), dim=1)
        x_cls = x_cls + self.drop_path(self.gamma_1 * self.attn(self.norm1(u)))
        x_cls = x_cls + self.drop_path(self.gamma_2 * self.mlp(self.norm2(x_cls)))
        return x_cls


class TalkingHeadAttn(nn.Module):
    """cait.TalkingHeadAttn: head-mixing linears proj_l (before softmax) and proj_w (after)."""

    def __init__(self, dim, num_heads=8, qkv_bias=False, attn_drop=0.0, proj_drop=0.0):
        super().__init__()
        self.num_heads = num_heads
        self.scale = (dim // num_heads) ** -0.5
        self.qkv = nn.Linear(dim, dim * 3, bias=qkv_bias)
        self.attn_drop = nn.Dropout(attn_drop)
        self.proj = nn.Linear(dim, dim)
        self.proj_l = nn.Linear(num_heads, num_heads)
        self.proj_w = nn.Linear(num_heads, num_heads)
        self.proj_drop = nn.Dropout(proj_drop)

    def forward(self, x):
        B, N, C = x.shape
        qkv = self.qkv(x).reshape(B, N, 3, self.num_heads, C // self.num_heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0] * self.scale, qkv[1], qkv[2]
        attn = q @ k.transpose(-2, -1)
        attn = self.proj_l(attn.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)
        attn = attn.softmax(dim=-1)
        attn = self.proj_w(attn.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)
        attn = self.attn_drop(attn)
        x = (attn @ v).transpose(1, 2).reshape(B, N, C)
        return self.proj_drop(self.proj(x))


class LayerScaleBlock(nn.Module):
    """cait.LayerScaleBlock: talking-heads attention, gamma_1 / gamma_2, one shared drop_path."""

    def __init__(self, dim, num_heads, mlp_ratio=4.0, qkv_bias=False, proj_drop=0.0, attn_drop=0.0, drop_path=0.0,
                 norm_layer=nn.LayerNorm, init_values=1e-4):
        super().__init__()
        self.norm1 = norm_layer(dim)
        self.attn = TalkingHeadAttn(dim, num_heads, qkv_bias, attn_drop, proj_drop)
        self.drop_path = drop_path_or_identity(drop_path)
        self.norm2 = norm_layer(dim)
        self.mlp = Mlp(dim, int(dim * mlp_ratio), drop=proj_drop)
        self.gamma_1 = nn.Parameter(init_values * torch.ones(dim))
        self.gamma_2 = nn.Parameter(init_values * torch.ones(dim))

    def forward(self, x):
        x = x + self.drop_path(self.gamma_1 * self.attn(self.norm1(x)))
        x = x + self.drop_path(self.gamma_2 * self.mlp(self.norm2(x)))
        return x


class Cait(nn.Module):
    """cait.Cait: norm_layer partial(nn.LayerNorm, eps=1e-6) everywhere, constant drop path, class-attention tail."""

    def __init__(self, img_size=224, patch_size=16, in_chans=3, num_classes=1000, global_pool="token", embed_dim=768,
                 depth=12, num_heads=12, mlp_ratio=4.0, qkv_bias=True, drop_rate=0.0, pos_drop_rate=0.0,
                 proj_drop_rate=0.0, attn_drop_rate=0.0, drop_path_rate=0.0, init_values=1e-4, depth_token_only=2,
                 mlp_ratio_token_only=4.0):
        super().__init__()
        assert global_pool in ("", "token", "avg")
        norm_layer = partial(nn.LayerNorm, eps=1e-6)
        self.num_classes = num_classes
        self.global_pool = global_pool
        self.patch_embed = PatchEmbed(img_size, patch_size, in_chans, embed_dim)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, embed_dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, self.patch_embed.num_patches, embed_dim))
        self.pos_drop = nn.Dropout(p=pos_drop_rate)
        self.blocks = nn.Sequential(*[
            LayerScaleBlock(embed_dim, num_heads, mlp_ratio, qkv_bias, proj_drop_rate, attn_drop_rate, drop_path_rate,
                            norm_layer, init_values)
            for _ in range(depth)])
        self.blocks_token_only = nn.ModuleList([
            LayerScaleBlockClassAttn(embed_dim, num_heads, mlp_ratio_token_only, qkv_bias, norm_layer=norm_layer,
                                     init_values=init_values)
            for _ in range(depth_token_only)])
        self.norm = norm_layer(embed_dim)
        self.head_drop = nn.Dropout(drop_rate)
        self.head = nn.Linear(embed_dim, num_classes) if num_classes > 0 else nn.Identity()

    def forward_features(self, x):
        x = self.pos_drop(self.patch_embed(x) + self.pos_embed)
        x = self.blocks(x)
        cls_tokens = self.cls_token.expand(x.shape[0], -1, -1)
        for blk in self.blocks_token_only:
            cls_tokens = blk(x, cls_tokens)
        return self.norm(torch.cat((cls_tokens, x), dim=1))

    def forward_head(self, x, pre_logits=False):
        if self.global_pool:
            x = x[:, 1:].mean(dim=1) if self.global_pool == "avg" else x[:, 0]
        x = self.head_drop(x)
        return x if pre_logits else self.head(x)

    def forward(self, x):
        return self.forward_head(self.forward_features(x))


# ---------------------------------------------------------------- Swin v1 (swin_transformer.py, NHWC layout)

def window_partition(x, window_size: Tuple[int, int]):
    B, H, W, C = x.shape
    x = x.view(B, H // window_size[0], window_size[0], W // window_size[1], window_size[1], C)
    return x.permute(0, 1, 3, 2, 4, 5).contiguous().view(-1, window_size[0], window_size[1], C)


def window_reverse(windows, window_size: Tuple[int, int], H: int, W: int):
    C = windows.shape[-1]
    x = windows.view(-1, H // window_size[0], W // window_size[1], window_size[0], window_size[1], C)
    return x.permute(0, 1, 3, 2, 4, 5).contiguous().view(-1, H, W, C)


def get_relative_position_index(win_h: int, win_w: int):
    coords = torch.stack(torch.meshgrid(torch.arange(win_h), torch.arange(win_w), indexing="ij"))
    coords_flatten = torch.flatten(coords, 1)
    relative_coords = (coords_flatten[:, :, None] - coords_flatten[:, None, :]).permute(1, 2, 0).contiguous()
    relative_coords[:, :, 0] += win_h - 1
    relative_coords[:, :, 1] += win_w - 1
    relative_coords[:, :, 0] *= 2 * win_w - 1
    return relative_coords.sum(-1)


class WindowAttention(nn.Module):
    """swin_transformer.WindowAttention, non-fused path (timm's default: fused is experimental-only there)."""

    def __init__(self, dim, num_heads, window_size=(7, 7), qkv_bias=True, attn_drop=0.0, proj_drop=0.0):
        super().__init__()
        self.window_size = window_size
        win_h, win_w = window_size
        self.window_area = win_h * win_w
        self.num_heads = num_heads
        head_dim = dim // num_heads
        self.scale = head_dim ** -0.5
        self.relative_position_bias_table = nn.Parameter(torch.zeros((2 * win_h - 1) * (2 * win_w - 1), num_heads))
        self.register_buffer("relative_position_index", get_relative_position_index(win_h, win_w), persistent=False)
        self.qkv = nn.Linear(dim, head_dim * num_heads * 3, bias=qkv_bias)
        self.attn_drop = nn.Dropout(attn_drop)
        self.proj = nn.Linear(head_dim * num_heads, dim)
        self.proj_drop = nn.Dropout(proj_drop)
        self.softmax = nn.Softmax(dim=-1)

    def _get_rel_pos_bias(self):
        bias = self.relative_position_bias_table[self.relative_position_index.view(-1)].view(
            self.window_area, self.window_area, -1)
        return bias.permute(2, 0, 1).contiguous().unsqueeze(0)

    def forward(self, x, mask: Optional[torch.Tensor] = None):
        B_, N, C = x.shape
        q, k, v = self.qkv(x).reshape(B_, N, 3, self.num_heads, -1).permute(2, 0, 3, 1, 4).unbind(0)
        attn = (q * self.scale) @ k.transpose(-2, -1)
        attn = attn + self._get_rel_pos_bias()
        if mask is not None:
            num_win = mask.shape[0]
            attn = attn.view(-1, num_win, self.num_heads, N, N) + mask.unsqueeze(1).unsqueeze(0)
            attn = attn.view(-1, self.num_heads, N, N)
        attn = self.attn_drop(self.softmax(attn))
        x = (attn @ v).transpose(1, 2).reshape(B_, N, -1)
        return self.proj_drop(self.proj(x))


class SwinTransformerBlock(nn.Module):
    """swin_transformer.SwinTransformerBlock on NHWC maps (always_partition False, static mask)."""

    def __init__(self, dim, input_resolution, num_heads=4, window_size=7, shift_size=0, mlp_ratio=4.0, qkv_bias=True,
                 proj_drop=0.0, attn_drop=0.0, drop_path=0.0, norm_layer=nn.LayerNorm):
        super().__init__()
        self.input_resolution = input_resolution
        self.window_size, self.shift_size = self._calc_window_shift(window_size, shift_size)
        self.window_area = self.window_size[0] * self.window_size[1]
        self.norm1 = norm_layer(dim)
        self.attn = WindowAttention(dim, num_heads, self.window_size, qkv_bias, attn_drop, proj_drop)
        self.drop_path1 = drop_path_or_identity(drop_path)
        self.norm2 = norm_layer(dim)
        self.mlp = Mlp(dim, int(dim * mlp_ratio), drop=proj_drop)
        self.drop_path2 = drop_path_or_identity(drop_path)
        self.register_buffer("attn_mask", self.get_attn_mask(), persistent=False)

    def _calc_window_shift(self, target_window_size, target_shift_size):
        target_window_size = (target_window_size, target_window_size) if isinstance(target_window_size, int) \
            else tuple(target_window_size)
        target_shift_size = (target_shift_size, target_shift_size) if isinstance(target_shift_size, int) \
            else tuple(target_shift_size)
        window_size = [r if r <= w else w for r, w in zip(self.input_resolution, target_window_size)]
        shift_size = [0 if r <= w else s for r, w, s in zip(self.input_resolution, window_size, target_shift_size)]
        return tuple(window_size), tuple(shift_size)

    def get_attn_mask(self):
        if not any(self.shift_size):
            return None
        ws, ss = self.window_size, self.shift_size
        H = -(-self.input_resolution[0] // ws[0]) * ws[0]
        W = -(-self.input_resolution[1] // ws[1]) * ws[1]
        img_mask = torch.zeros((1, H, W, 1))
        cnt = 0
        for h in ((0, -ws[0]), (-ws[0], -ss[0]), (-ss[0], None)):
            for w in ((0, -ws[1]), (-ws[1], -ss[1]), (-ss[1], None)):
                img_mask[:, h[0]:h[1], w[0]:w[1], :] = cnt
                cnt += 1
        mask_windows = window_partition(img_mask, ws).view(-1, self.window_area)
        attn_mask = mask_windows.unsqueeze(1) - mask_windows.unsqueeze(2)
        return attn_mask.masked_fill(attn_mask != 0, float(-100.0)).masked_fill(attn_mask == 0, float(0.0))

    def _attn(self, x):
        B, H, W, C = x.shape
        has_shift = any(self.shift_size)
        shifted_x = torch.roll(x, shifts=(-self.shift_size[0], -self.shift_size[1]), dims=(1, 2)) if has_shift else x
        pad_h = (self.window_size[0] - H % self.window_size[0]) % self.window_size[0]
        pad_w = (self.window_size[1] - W % self.window_size[1]) % self.window_size[1]
        shifted_x = F.pad(shifted_x, (0, 0, 0, pad_w, 0, pad_h))
        _, Hp, Wp, _ = shifted_x.shape
        x_windows = window_partition(shifted_x, self.window_size).view(-1, self.window_area, C)
        attn_windows = self.attn(x_windows, mask=self.attn_mask)
        attn_windows = attn_windows.view(-1, self.window_size[0], self.window_size[1], C)
        shifted_x = window_reverse(attn_windows, self.window_size, Hp, Wp)[:, :H, :W, :].contiguous()
        return torch.roll(shifted_x, shifts=self.shift_size, dims=(1, 2)) if has_shift else shifted_x

    def forward(self, x):
        B, H, W, C = x.shape
        x = x + self.drop_path1(self._attn(self.norm1(x)))
        x = x.reshape(B, -1, C)
        x = x + self.drop_path2(self.mlp(self.norm2(x)))
        return x.reshape(B, H, W, C)


class PatchMerging(nn.Module):
    """swin_transformer.PatchMerging (NHWC): pad to even, 2x2 neighbours to channels, norm, reduction (no bias)."""

    def __init__(self, dim, out_dim=None, norm_layer=nn.LayerNorm):
        super().__init__()
        self.out_dim = out_dim or 2 * dim
        self.norm = norm_layer(4 * dim)
        self.reduction = nn.Linear(4 * dim, self.out_dim, bias=False)

    def forward(self, x):
        B, H, W, C = x.shape
        x = F.pad(x, (0, 0, 0, W % 2, 0, H % 2))
        _, H, W, _ = x.shape
        x = x.reshape(B, H // 2, 2, W // 2, 2, C).permute(0, 1, 3, 4, 2, 5).flatten(3)
        return self.reduction(self.norm(x))


class SwinTransformerStage(nn.Module):
    """swin_transformer.SwinTransformerStage: downsample (PatchMerging or Identity) first, then blocks."""

    def __init__(self, dim, out_dim, input_resolution, depth, downsample=True, num_heads=4, window_size=7,
                 mlp_ratio=4.0, qkv_bias=True, proj_drop=0.0, attn_drop=0.0, drop_path=0.0, norm_layer=nn.LayerNorm):
        super().__init__()
        self.output_resolution = tuple(i // 2 for i in input_resolution) if downsample else input_resolution
        shift_size = window_size // 2
        if downsample:
            self.downsample = PatchMerging(dim, out_dim, norm_layer)
        else:
            assert dim == out_dim
            self.downsample = nn.Identity()
        self.blocks = nn.Sequential(*[
            SwinTransformerBlock(out_dim, self.output_resolution, num_heads, window_size,
                                 0 if i % 2 == 0 else shift_size, mlp_ratio, qkv_bias, proj_drop, attn_drop,
                                 drop_path[i] if isinstance(drop_path, list) else drop_path, norm_layer)
            for i in range(depth)])

    def forward(self, x):
        return self.blocks(self.downsample(x))


class ClassifierHead(nn.Module):
    """timm.layers.ClassifierHead for NHWC input, pool 'avg' (or ''), Linear fc; its only parameters are fc.*."""

    def __init__(self, in_features, num_classes, pool_type="avg", drop_rate=0.0):
        super().__init__()
        self.pool_type = pool_type
        self.drop = nn.Dropout(drop_rate)
        self.fc = nn.Linear(in_features, num_classes) if num_classes > 0 else nn.Identity()
        self.flatten = nn.Identity()

    def forward(self, x, pre_logits=False):
        if self.pool_type == "avg":
            x = x.mean((1, 2))
        x = self.drop(x)
        if pre_logits:
            return self.flatten(x)
        return self.flatten(self.fc(x))


class SwinTransformer(nn.Module):
    """swin_transformer.SwinTransformer (norm_layer nn.LayerNorm, eps 1e-5; patch_embed with norm, NHWC)."""

    def __init__(self, img_size=224, patch_size=4, in_chans=3, num_classes=1000, global_pool="avg", embed_dim=96,
                 depths: Sequence[int] = (2, 2, 6, 2), num_heads: Sequence[int] = (3, 6, 12, 24), window_size=7,
                 mlp_ratio=4.0, qkv_bias=True, drop_rate=0.0, proj_drop_rate=0.0, attn_drop_rate=0.0,
                 drop_path_rate=0.1):
        super().__init__()
        assert global_pool in ("", "avg")
        self.num_classes = num_classes
        num_layers = len(depths)
        self.num_features = int(embed_dim * 2 ** (num_layers - 1))
        dims = [int(embed_dim * 2 ** i) for i in range(num_layers)]
        self.patch_embed = PatchEmbed(img_size, patch_size, in_chans, dims[0], norm_layer=nn.LayerNorm,
                                      output_fmt="NHWC")
        grid = self.patch_embed.grid_size
        dpr = [x.tolist() for x in torch.linspace(0, drop_path_rate, sum(depths)).split(list(depths))]
        layers, in_dim, scale = [], dims[0], 1
        for i in range(num_layers):
            layers.append(SwinTransformerStage(
                in_dim, dims[i], (grid[0] // scale, grid[1] // scale), depths[i], downsample=i > 0,
                num_heads=num_heads[i], window_size=window_size, mlp_ratio=mlp_ratio, qkv_bias=qkv_bias,
                proj_drop=proj_drop_rate, attn_drop=attn_drop_rate, drop_path=dpr[i]))
            in_dim = dims[i]
            if i > 0:
                scale *= 2
        self.layers = nn.Sequential(*layers)
        self.norm = nn.LayerNorm(self.num_features)
        self.head = ClassifierHead(self.num_features, num_classes, pool_type=global_pool, drop_rate=drop_rate)

    def forward_features(self, x):
        return self.norm(self.layers(self.patch_embed(x)))

    def forward_head(self, x, pre_logits=False):
        return self.head(x, pre_logits=pre_logits)

    def forward(self, x):
        return self.forward_head(self.forward_features(x))


# ---------------------------------------------------------------- entrypoints (timm's @register_model model_args)

ENTRYPOINTS = {
    # vision_transformer.py
    "vit_tiny_patch16_224": (VisionTransformer, dict(patch_size=16, embed_dim=192, depth=12, num_heads=3)),
    # deit.py
    "deit_tiny_distilled_patch16_224": (VisionTransformerDistilled,
                                        dict(patch_size=16, embed_dim=192, depth=12, num_heads=3)),
    # beit.py
    "beit_base_patch16_224": (Beit, dict(patch_size=16, embed_dim=768, depth=12, num_heads=12, mlp_ratio=4,
                                         use_abs_pos_emb=False, use_rel_pos_bias=True, init_values=0.1)),
    # cait.py
    "cait_xxs24_224": (Cait, dict(patch_size=16, embed_dim=192, depth=24, num_heads=4, init_values=1e-5)),
    # swin_transformer.py
    "swin_tiny_patch4_window7_224": (SwinTransformer, dict(patch_size=4, window_size=7, embed_dim=96,
                                                           depths=(2, 2, 6, 2), num_heads=(3, 6, 12, 24))),
}


def create_model(name: str, **kwargs) -> nn.Module:
    """timm.create_model(name, pretrained=False, **kwargs): the entrypoint's model_args, overridden by kwargs."""
    cls, model_args = ENTRYPOINTS[name]
    return cls(**dict(model_args, **kwargs))
