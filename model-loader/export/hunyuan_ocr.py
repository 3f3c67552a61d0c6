#!/usr/bin/env python3
"""HunyuanOCR 1.0 reference implementation, TorchScript bundle exporter and golden generator.

Implements the contract in ../BUNDLE_FORMAT.md (bundle format version 1).

Runs on torch 1.13 (Debian python3-torch, CPU) and torch 2.x; needs only torch, numpy and Pillow.
Use Debian's interpreter: /usr/bin/python3 model-loader/export/hunyuan_ocr.py <subcommand> ...

Parameter names follow the real checkpoint so that the `v1.0/` safetensors load without renaming.
They were taken from (read, not copied):
  * huggingface/transformers  src/transformers/models/hunyuan_vl/modeling_hunyuan_vl.py
    (the ManaEstras/transformers "v4.57.1.hyvl" branch the HunyuanOCR README pins):
    `vit.embeddings.patch_embedding`, `vit.embeddings.position_embedding`,
    `vit.layers.N.{input_layernorm,post_attention_layernorm}` (LayerNorm),
    `vit.layers.N.self_attn.{q_proj,k_proj,v_proj,o_proj}` (bias), `vit.layers.N.mlp.{dense_h_to_4h,dense_4h_to_h}`,
    `vit.perceive.{before_rms,proj.0,proj.2,mlp,image_newline,image_begin,image_end,image_sep,after_rms}`,
    `model.embed_tokens`, `model.layers.N.{input_layernorm,post_attention_layernorm}` (RMSNorm),
    `model.layers.N.self_attn.{q_proj,k_proj,v_proj,o_proj,query_layernorm,key_layernorm}`,
    `model.layers.N.mlp.{gate_proj,up_proj,down_proj}`, `model.norm`; lm_head tied to embed_tokens.
  * vllm-project/vllm  vllm/model_executor/models/hunyuan_vision.py (same vision module names; its weight mapper
    accepts both `vit.` and `vit.vit.` prefixes and `model.` for the LLM; get_xdrope_input_positions).
Order of operations checked against both: ViT pre-LN blocks without a final LayerNorm; patch merger
RMSNorm -> conv k2s2 -> GELU -> conv 1x1 -> newline column -> Linear -> begin/end -> RMSNorm;
LLM attention applies XD-RoPE (fp32) first and per-head RMSNorm (query_layernorm/key_layernorm) after it,
and the KV cache holds the normalised keys.
"""

import argparse
import datetime
import hashlib
import io
import json
import math
import os
import random
import re
import struct
import sys
import time
from typing import Dict, List, Optional, Tuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

FORMAT_VERSION = 2
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
TINY_DIR = os.path.join(REPO, "model-loader", "src", "main", "resources", "io", "scriptorium", "model", "tiny")
GOLDEN_DIR = os.path.join(REPO, "model-loader", "src", "test", "resources", "golden")

# ----------------------------------------------------------------------------------------------------------
# Configuration
# ----------------------------------------------------------------------------------------------------------

REAL_VISION = dict(hidden_size=1152, num_layers=27, num_heads=16, intermediate_size=4304, patch_size=16,
                   position_table_side=128, eps=1e-5, merge_size=2)
REAL_LLM = dict(hidden_size=1024, num_layers=24, num_heads=16, num_kv_heads=8, head_dim=128, intermediate_size=3584,
                vocab_size=120818, rope_theta=10000.0, xdrope_alpha=1000.0, xdrope_section=[16, 16, 16, 16],
                max_position_embeddings=32768, eps=1e-5)
TINY_VISION = dict(hidden_size=32, num_layers=2, num_heads=2, intermediate_size=64, patch_size=16,
                   position_table_side=32, eps=1e-5, merge_size=2)
TINY_LLM = dict(hidden_size=64, num_layers=2, num_heads=4, num_kv_heads=2, head_dim=16, intermediate_size=128,
                vocab_size=None, rope_theta=10000.0, xdrope_alpha=1000.0, xdrope_section=[2, 2, 2, 2],
                max_position_embeddings=32768, eps=1e-5)

REAL_SPECIAL = {
    "bos": 120000, "user": 120006, "eos": [120007, 120020], "system_sep": 120021,
    "image_start": 120118, "image_end": 120119, "image_token": 120120, "image_newline": 120121,
    "quad": 120128, "quad_end": 120129, "ref": 120130, "ref_end": 120131, "pfig": 120132, "pfig_end": 120133,
}


def placeholder(n: int) -> str:
    return "<\uff5chy_place\u2581holder\u2581no\u2581%d\uff5c>" % n


BOS_STR = "<\uff5chy_begin\u2581of\u2581sentence\uff5c>"
USER_STR = "<\uff5chy_User\uff5c>"
ASSISTANT_STR = "<\uff5chy_Assistant\uff5c>"

# manifest key -> token string (real model strings, §3 of hunyuanocr.md)
SPECIAL_STRINGS = [
    ("bos", BOS_STR), ("user", USER_STR), ("eos0", ASSISTANT_STR), ("eos1", placeholder(2)),
    ("system_sep", placeholder(3)), ("image_start", placeholder(100)), ("image_end", placeholder(101)),
    ("image_token", placeholder(102)), ("image_newline", placeholder(103)),
    ("quad", placeholder(110)), ("quad_end", placeholder(111)), ("ref", placeholder(112)),
    ("ref_end", placeholder(113)), ("pfig", placeholder(114)), ("pfig_end", placeholder(115)),
]

# Prompt sets. "zh" is the 1.0 README's prompt table (Tencent-Hunyuan/HunyuanOCR README.md and README_zh.md,
# 2025-11-28: Latin words set off by spaces) and the default for 1.0 bundles; "zh-compact" is the wording without
# spaces of the other official files (Hunyuan-OCR-hf/run_hy_ocr.py for parse, the later README_v1.0.md table, the
# 1.5 release's inference/utils/hunyuan_tasks.py for table); "en" is the README's English column. Sources per
# prompt: BUNDLE_FORMAT.md "Prompts". Our own: the zh->Chinese translation target (no official 1.0 text).
PROMPTS_ZH_README = {
    "spotting": "检测并识别图片中的文字，将文本坐标格式化输出。",
    "parse": "提取文档图片中正文的所有信息用 markdown 格式表示，其中页眉、页脚部分忽略，表格用 html 格式表达，文档中公式用 latex "
             "格式表示，按照阅读顺序组织进行解析。",
    "formula": "识别图片中的公式，用 LaTeX 格式表示。",
    "table": "把图中的表格解析为 HTML。",
    "chart": "解析图中的图表，对于流程图使用 Mermaid 格式表示，其他图表使用 Markdown 格式表示。",
    "text": "提取图中的文字。",
    "ie": "提取图片中的: {fields} 的字段内容，并按照 JSON 格式返回。",
    "ie_single": "输出 {key} 的值。",
    "translate": "先提取文字，再将文字内容翻译为{language}。若是文档，则其中页眉、页脚忽略。公式用latex格式表示，表格用html格式表示。",
    "subtitles": "提取图片中的字幕。",
    "vqa": "{question}",
}
PROMPTS_ZH_COMPACT = {
    "spotting": "检测并识别图片中的文字，将文本坐标格式化输出。",
    "parse": "提取文档图片中正文的所有信息用markdown格式表示，其中页眉、页脚部分忽略，表格用html格式表达，文档中公式用latex格式表示，"
             "按照阅读顺序组织进行解析。",
    "formula": "识别图片中的公式，用LaTeX格式表示。",
    "table": "把图中的表格解析为HTML。",
    "chart": "解析图中的图表，对于流程图使用Mermaid格式表示，其他图表使用Markdown格式表示。",
    "text": "提取图中的文字。",
    "ie": "提取图片中的: {fields} 的字段内容，并按照JSON格式返回。",
    "ie_single": "输出{key}的值。",
    "translate": "先提取文字，再将文字内容翻译为{language}。若是文档，则其中页眉、页脚忽略。公式用latex格式表示，表格用html格式表示。",
    "subtitles": "提取图中的字幕",
    "vqa": "{question}",
}
PROMPTS_EN = {
    "spotting": "Detect and recognize text in the image, and output the text coordinates in a formatted manner.",
    "parse": "Extract all information from the main body of the document image and represent it in markdown format, "
             "ignoring headers and footers. Tables should be expressed in HTML format, formulas in the document "
             "should be represented using LaTeX format, and the parsing should be organized according to the "
             "reading order.",
    "formula": "Identify the formula in the image and represent it using LaTeX format.",
    "table": "Parse the table in the image into HTML.",
    "chart": "Parse the chart in the image; use Mermaid format for flowcharts and Markdown for other charts.",
    "text": "Extract the text in the image.",
    "ie": "Extract the content of the fields: {fields} from the image and return it in JSON format.",
    "ie_single": "Output the value of {key}.",
    "translate": "First extract the text, then translate the text content into {language}. If it is a document, "
                 "ignore the header and footer. Formulas should be represented in LaTeX format, and tables should "
                 "be represented in HTML format.",
    "subtitles": "Extract the subtitles from the image.",
    "vqa": "{question}",
}
ZH_LANGUAGES = {"en": "英文", "zh": "中文"}
PROMPTS = {
    "default_language": "zh",
    "zh": PROMPTS_ZH_README,
    "zh-compact": PROMPTS_ZH_COMPACT,
    "en": PROMPTS_EN,
    "languages": {"zh": ZH_LANGUAGES, "zh-compact": ZH_LANGUAGES, "en": {"en": "English", "zh": "Chinese"}},
}


def python_field_list(fields: List[str]) -> str:
    """The README's IE field list, ['key1','key2']: Python's repr of each key, joined by commas without spaces."""
    return "[" + ",".join(repr(f) for f in fields) + "]"


TASKS = ["spotting", "parse", "formula", "table", "chart", "text", "ie", "translate", "subtitles", "vqa"]
# The official scripts decode greedily up to 16,384 new tokens for every task (README vLLM and transformers examples).
REAL_MAX_NEW = {t: 16384 for t in TASKS}
TINY_MAX_NEW = {t: 48 for t in TASKS}
REPETITION = {"min_unit_tokens": 1, "max_unit_tokens": 64, "min_repeats": 8, "min_span_tokens": 32}

REAL_PREPROCESSING = {
    "patch_size": 16, "merge_size": 2, "min_pixels": 262144, "max_pixels": 4194304,
    "max_aspect_ratio": 200, "rescale_factor": 0.00392156862745098,
    "image_mean": [0.48145466, 0.4578275, 0.40821073], "image_std": [0.26862954, 0.26130258, 0.27577711],
    "resample": "bicubic", "resize_rule": "smart_resize",
}
TINY_PREPROCESSING = dict(REAL_PREPROCESSING, min_pixels=256 * 256, max_pixels=640 * 640)

DTYPES = {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}


# ----------------------------------------------------------------------------------------------------------
# Model (eager reference; the same classes are torch.jit.script-ed for the bundle)
# ----------------------------------------------------------------------------------------------------------

def attend_chunked(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, allowed: Optional[torch.Tensor], scale: float,
                   mask_value: float) -> torch.Tensor:
    """Exact attention in query chunks. q [B, H, T, D]; k, v [B, KVH, S, D] (may be strided views of the KV cache);
    allowed [B, 1, T, S] bool or None. GQA folds the query-head group into the query rows, so keys and values are
    never repeated. Scores are scaled in the model dtype, masked with mask_value, softmaxed in float32. Returns
    [B, T, H * D]."""
    b, h, t, d = q.size(0), q.size(1), q.size(2), q.size(3)
    kvh, s = k.size(1), k.size(2)
    g = h // kvh
    # query rows per chunk: at most 2^26 score elements (256 MiB in float32) live at once
    step = max(1, 67108864 // max(1, b * h * s))
    outs: List[torch.Tensor] = []
    t0 = 0
    while t0 < t:
        tc = min(step, t - t0)
        qc = q.narrow(2, t0, tc).reshape(b, kvh, g * tc, d)
        if g * tc <= 16:
            # few query rows (decode): keys as the streamed GEMM operand (k @ q^T) are read once; as the operand of a
            # few-row product (q @ k^T) BLAS first packs (copies) them. 3x faster on CPU; the product is transposed
            w = (torch.matmul(k, qc.transpose(2, 3)) * scale).transpose(2, 3).contiguous()
        else:
            w = torch.matmul(qc, k.transpose(2, 3)) * scale
        if allowed is not None:
            blocked = allowed.narrow(2, t0, tc).unsqueeze(2).logical_not()
            w = w.view(b, kvh, g, tc, s).masked_fill(blocked, mask_value).view(b, kvh, g * tc, s)
        w = torch.softmax(w.to(torch.float32), dim=-1).to(q.dtype)
        outs.append(torch.matmul(w, v).view(b, kvh, g, tc, d))
        t0 += tc
    o = outs[0] if len(outs) == 1 else torch.cat(outs, dim=3)
    return o.reshape(b, h, t, d).transpose(1, 2).reshape(b, t, h * d)


def attend_sdpa(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, allowed: Optional[torch.Tensor], scale: float,
                mask_value: float) -> torch.Tensor:
    """Same contract through torch >= 2.0's scaled_dot_product_attention (flash / memory-efficient kernels on GPU).
    Its default scale is head_dim ** -0.5, which is `scale` for both towers."""
    b, h, t, d = q.size(0), q.size(1), q.size(2), q.size(3)
    kvh, s = k.size(1), k.size(2)
    g = h // kvh
    qf = q.reshape(b, kvh, g * t, d)
    mask: Optional[torch.Tensor] = None
    if allowed is not None:
        mask = allowed.unsqueeze(2).expand(allowed.size(0), 1, g, t, s).reshape(allowed.size(0), 1, g * t, s)
    o = F.scaled_dot_product_attention(qf, k, v, attn_mask=mask)
    return o.reshape(b, h, t, d).transpose(1, 2).reshape(b, t, h * d)


def attention_impls() -> List[str]:
    return ["chunked", "sdpa"] if hasattr(F, "scaled_dot_product_attention") else ["chunked"]


# The exported methods call `attend`; select_attention rebinds it before torch.jit.script compiles them.
attend = attend_chunked
ATTENTION = "chunked"


def select_attention(name: str) -> str:
    global attend, ATTENTION
    if name == "auto":
        name = attention_impls()[-1]
    if name not in attention_impls():
        raise ValueError("attention %s needs torch >= 2.0 (this is torch %s)" % (name, torch.__version__))
    attend = attend_sdpa if name == "sdpa" else attend_chunked
    ATTENTION = name
    return name


class RMSNorm(nn.Module):
    """x * rsqrt(mean(x^2) + eps) computed in float32, cast back, then scaled (HunYuanVLRMSNorm semantics)."""

    def __init__(self, n: int, eps: float):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(n))
        self.eps = eps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        dt = x.dtype
        h = x.to(torch.float32)
        h = h * torch.rsqrt(h.pow(2).mean(-1, keepdim=True) + self.eps)
        return self.weight * h.to(dt)


class VisionEmbeddings(nn.Module):
    def __init__(self, hidden: int, patch: int, side: int):
        super().__init__()
        self.hidden = hidden
        self.patch = patch
        self.side = side
        self.patch_embedding = nn.Conv2d(3, hidden, kernel_size=patch, stride=patch, bias=True)
        self.position_embedding = nn.Embedding(side * side + 1, hidden)

    def forward(self, pixels: torch.Tensor, gh: int, gw: int) -> torch.Tensor:
        n = pixels.size(0)
        x = self.patch_embedding(pixels.reshape(n, 3, self.patch, self.patch))  # [N, C, 1, 1]
        x = x.reshape(n, self.hidden)
        # learned table without the CLS row, [1, C, side, side], interpolated in float32
        table = self.position_embedding.weight[1:, :].reshape(1, self.side, self.side, self.hidden)
        table = table.permute(0, 3, 1, 2).to(torch.float32)
        sh = (float(gh) + 0.1) / float(self.side)
        sw = (float(gw) + 0.1) / float(self.side)
        # = F.interpolate(table, scale_factor=[sh, sw], mode="bilinear", align_corners=False), called as the aten op:
        # scripting F.interpolate compiles every mode's branch, and newer torch's lanczos branch names an op that
        # libtorch 2.7.1 (DJL's) does not know, so a bundle exported with torch >= 2.8 would not load
        pos = torch._C._nn.upsample_bilinear2d(table, None, False, [sh, sw])
        pos = pos.reshape(self.hidden, gh * gw).transpose(0, 1).to(x.dtype)
        return (x + pos).unsqueeze(0)


class VisionAttention(nn.Module):
    def __init__(self, hidden: int, heads: int):
        super().__init__()
        self.heads = heads
        self.head_dim = hidden // heads
        self.scale = float(self.head_dim) ** -0.5
        self.q_proj = nn.Linear(hidden, hidden, bias=True)
        self.k_proj = nn.Linear(hidden, hidden, bias=True)
        self.v_proj = nn.Linear(hidden, hidden, bias=True)
        self.o_proj = nn.Linear(hidden, hidden, bias=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, n, c = x.size(0), x.size(1), x.size(2)
        q = self.q_proj(x).view(b, n, self.heads, self.head_dim).transpose(1, 2)
        k = self.k_proj(x).view(b, n, self.heads, self.head_dim).transpose(1, 2)
        v = self.v_proj(x).view(b, n, self.heads, self.head_dim).transpose(1, 2)
        return self.o_proj(attend(q, k, v, None, self.scale, 0.0))


class VisionMLP(nn.Module):
    def __init__(self, hidden: int, inter: int):
        super().__init__()
        self.dense_h_to_4h = nn.Linear(hidden, inter, bias=True)
        self.dense_4h_to_h = nn.Linear(inter, hidden, bias=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.dense_4h_to_h(F.gelu(self.dense_h_to_4h(x)))


class VisionBlock(nn.Module):
    def __init__(self, hidden: int, heads: int, inter: int, eps: float):
        super().__init__()
        self.input_layernorm = nn.LayerNorm(hidden, eps=eps)
        self.post_attention_layernorm = nn.LayerNorm(hidden, eps=eps)
        self.self_attn = VisionAttention(hidden, heads)
        self.mlp = VisionMLP(hidden, inter)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.self_attn(self.input_layernorm(x))
        x = x + self.mlp(self.post_attention_layernorm(x))
        return x


class PatchMerger(nn.Module):
    def __init__(self, cin: int, cout: int, merge: int, eps: float):
        super().__init__()
        self.proj = nn.Sequential(
            nn.Conv2d(cin, cin * 2, kernel_size=merge, stride=merge),
            nn.GELU(),
            nn.Conv2d(cin * 2, cin * 4, kernel_size=1),
        )
        self.mlp = nn.Linear(cin * 4, cout)
        self.image_newline = nn.Parameter(torch.zeros(cin * 4))
        self.image_begin = nn.Parameter(torch.zeros(cout))
        self.image_end = nn.Parameter(torch.zeros(cout))
        self.image_sep = nn.Parameter(torch.zeros(cout))  # present in the checkpoint, unused for images
        self.before_rms = RMSNorm(cin, eps)
        self.after_rms = RMSNorm(cout, eps)

    def forward(self, x: torch.Tensor, gh: int, gw: int) -> torch.Tensor:
        # x: [1, gh*gw, C] -> [M, cout]
        x = self.before_rms(x)
        dt = x.dtype
        x = x.permute(0, 2, 1).reshape(1, x.size(2), gh, gw)
        x = self.proj(x)  # [1, 4C, gh/2, gw/2]
        c, h = x.size(1), x.size(2)
        nl = self.image_newline.reshape(1, c, 1, 1).expand(1, c, h, 1).to(dt)
        x = torch.cat([x, nl], dim=3)  # [1, 4C, h, w+1]
        x = x.reshape(1, c, -1).permute(0, 2, 1)
        x = self.mlp(x)
        d = x.size(2)
        begin = self.image_begin.reshape(1, 1, d).to(dt)
        end = self.image_end.reshape(1, 1, d).to(dt)
        x = torch.cat([begin, x, end], dim=1)
        return self.after_rms(x)[0]


class VisionTransformer(nn.Module):
    def __init__(self, v: dict, out_hidden: int):
        super().__init__()
        self.embeddings = VisionEmbeddings(v["hidden_size"], v["patch_size"], v["position_table_side"])
        self.layers = nn.ModuleList([VisionBlock(v["hidden_size"], v["num_heads"], v["intermediate_size"], v["eps"])
                                     for _ in range(v["num_layers"])])
        self.perceive = PatchMerger(v["hidden_size"], out_hidden, v["merge_size"], v["eps"])

    def forward(self, pixels: torch.Tensor, gh: int, gw: int) -> torch.Tensor:
        x = self.embeddings(pixels, gh, gw)
        for layer in self.layers:
            x = layer(x)
        return self.perceive(x, gh, gw)


def rotate(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """x * cos + rotate_half(x) * sin, in the dtype of x, cos and sin."""
    half = x.size(-1) // 2
    return x * cos + torch.cat([-x[..., half:], x[..., :half]], dim=-1) * sin


class TextAttention(nn.Module):
    def __init__(self, hidden: int, heads: int, kv_heads: int, head_dim: int, eps: float):
        super().__init__()
        self.heads = heads
        self.kv_heads = kv_heads
        self.head_dim = head_dim
        self.groups = heads // kv_heads
        self.scale = float(head_dim) ** -0.5
        self.q_proj = nn.Linear(hidden, heads * head_dim, bias=False)
        self.k_proj = nn.Linear(hidden, kv_heads * head_dim, bias=False)
        self.v_proj = nn.Linear(hidden, kv_heads * head_dim, bias=False)
        self.o_proj = nn.Linear(heads * head_dim, hidden, bias=False)
        self.query_layernorm = RMSNorm(head_dim, eps)
        self.key_layernorm = RMSNorm(head_dim, eps)

    def project(self, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor, prefill: bool
                ) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """q [B, H, T, D], k and v [B, KVH, T, D]: XD-RoPE (cos/sin [B, 1, T, D] float32), then QK RMSNorm.
        float32 bundles rotate in float32. Half-precision bundles follow the official 1.0 code (the transformers
        commit its README pins, measured by parity_transformers.py): cos/sin rounded to the model dtype, the prompt
        (prefill) rotated in float32, generated tokens (decode) rotated in the model dtype."""
        b, t = x.size(0), x.size(1)
        dt = x.dtype
        q = self.q_proj(x).view(b, t, self.heads, self.head_dim).transpose(1, 2)
        k = self.k_proj(x).view(b, t, self.kv_heads, self.head_dim).transpose(1, 2)
        v = self.v_proj(x).view(b, t, self.kv_heads, self.head_dim).transpose(1, 2)
        if dt == torch.float32:
            q, k = rotate(q, cos, sin), rotate(k, cos, sin)
        elif prefill:
            c, s_ = cos.to(dt).to(torch.float32), sin.to(dt).to(torch.float32)
            q = rotate(q.to(torch.float32), c, s_).to(dt)
            k = rotate(k.to(torch.float32), c, s_).to(dt)
        else:
            c, s_ = cos.to(dt), sin.to(dt)
            q, k = rotate(q, c, s_), rotate(k, c, s_)
        return self.query_layernorm(q), self.key_layernorm(k), v

    def forward(self, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor, allowed: torch.Tensor,
                mask_value: float, k_cache: torch.Tensor, v_cache: torch.Tensor,
                write_cols: Optional[torch.Tensor], v_dims_first: bool) -> torch.Tensor:
        """Runtime path. k_cache [B, KVH, W, D] and v_cache ([B, KVH, D, W] when v_dims_first, else [B, KVH, W, D])
        are views of the runtime's KV slots and are written in place: with write_cols None (prefill) the T new
        tokens go to the last T columns; otherwise (decode, T = 1) row b's token goes to column write_cols[b].
        Attention then reads the views, masked by `allowed` [B, 1, T, W]."""
        b, t = x.size(0), x.size(1)
        q, k, v = self.project(x, cos, sin, write_cols is None)
        v_rows = v_cache.transpose(2, 3) if v_dims_first else v_cache  # [B, KVH, W, D] either way
        if write_cols is None:
            w = k_cache.size(2)
            k_cache.narrow(2, w - t, t).copy_(k)
            v_rows.narrow(2, w - t, t).copy_(v)
        else:
            rows = torch.arange(b, device=x.device).unsqueeze(1)
            heads = torch.arange(self.kv_heads, device=x.device).unsqueeze(0)
            idx: List[Optional[torch.Tensor]] = [rows, heads, write_cols.unsqueeze(1)]
            k_cache.index_put_(idx, k.squeeze(2))
            v_rows.index_put_(idx, v.squeeze(2))
        return self.o_proj(attend(q, k_cache, v_rows, allowed, self.scale, mask_value))

    def plain(self, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor, allowed: torch.Tensor,
              mask_value: float, past_k: torch.Tensor, past_v: torch.Tensor
              ) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Reference path (Python only, never exported): the cache grows by concatenation, GQA by repetition,
        the whole score matrix is materialised. The golden tokens come from this path."""
        b, t = x.size(0), x.size(1)
        dt = x.dtype
        q, k, v = self.project(x, cos, sin, t > 1)
        k_all = torch.cat([past_k, k], dim=2)
        v_all = torch.cat([past_v, v], dim=2)
        k_use = k_all.repeat_interleave(self.groups, dim=1) if self.groups > 1 else k_all
        v_use = v_all.repeat_interleave(self.groups, dim=1) if self.groups > 1 else v_all
        w = torch.matmul(q, k_use.transpose(2, 3)) * self.scale
        w = w.masked_fill(allowed.logical_not(), mask_value)
        w = torch.softmax(w.to(torch.float32), dim=-1).to(dt)
        o = torch.matmul(w, v_use).transpose(1, 2).reshape(b, t, self.heads * self.head_dim)
        return self.o_proj(o), k_all, v_all


class TextMLP(nn.Module):
    def __init__(self, hidden: int, inter: int):
        super().__init__()
        self.gate_proj = nn.Linear(hidden, inter, bias=False)
        self.up_proj = nn.Linear(hidden, inter, bias=False)
        self.down_proj = nn.Linear(inter, hidden, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class TextLayer(nn.Module):
    def __init__(self, c: dict):
        super().__init__()
        self.input_layernorm = RMSNorm(c["hidden_size"], c["eps"])
        self.post_attention_layernorm = RMSNorm(c["hidden_size"], c["eps"])
        self.self_attn = TextAttention(c["hidden_size"], c["num_heads"], c["num_kv_heads"], c["head_dim"], c["eps"])
        self.mlp = TextMLP(c["hidden_size"], c["intermediate_size"])

    def forward(self, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor, allowed: torch.Tensor,
                mask_value: float, k_cache: torch.Tensor, v_cache: torch.Tensor,
                write_cols: Optional[torch.Tensor], v_dims_first: bool) -> torch.Tensor:
        x = x + self.self_attn(self.input_layernorm(x), cos, sin, allowed, mask_value, k_cache, v_cache, write_cols,
                               v_dims_first)
        return x + self.mlp(self.post_attention_layernorm(x))

    def plain(self, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor, allowed: torch.Tensor,
              mask_value: float, past_k: torch.Tensor, past_v: torch.Tensor
              ) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        a, k, v = self.self_attn.plain(self.input_layernorm(x), cos, sin, allowed, mask_value, past_k, past_v)
        x = x + a
        x = x + self.mlp(self.post_attention_layernorm(x))
        return x, k, v


class TextModel(nn.Module):
    def __init__(self, c: dict):
        super().__init__()
        self.embed_tokens = nn.Embedding(c["vocab_size"], c["hidden_size"])
        self.layers = nn.ModuleList([TextLayer(c) for _ in range(c["num_layers"])])
        self.norm = RMSNorm(c["hidden_size"], c["eps"])


def xdrope_tables(head_dim: int, theta: float, alpha: float, section: List[int]) -> Tuple[torch.Tensor, torch.Tensor]:
    """inv_freq over the full head_dim (cat(freqs, freqs) layout) and the position axis of every dimension."""
    base = theta * alpha ** (head_dim / (head_dim - 2))
    inv_freq = 1.0 / (base ** (torch.arange(0, head_dim, 2).float() / head_dim))
    inv_full = torch.cat([inv_freq, inv_freq])
    axes = []
    for j, s in enumerate(list(section) * 2):
        axes += [j % len(section)] * s
    assert len(axes) == head_dim, "xdrope_section*2 must cover head_dim"
    return inv_full, torch.tensor(axes, dtype=torch.long)


class HunyuanOCR(nn.Module):
    """Whole model. State-dict keys equal the checkpoint's (`vit.*`, `model.*`).

    Exported methods (BUNDLE_FORMAT.md, format 2) allocate nothing on a fixed device: every tensor they create
    takes its device from an input, and every size comes from an input's shape (no host sync besides what the
    caller reads back)."""

    def __init__(self, vision: dict, llm: dict, image_token_id: int):
        super().__init__()
        self.vit = VisionTransformer(vision, llm["hidden_size"])
        self.model = TextModel(llm)
        self.num_layers = llm["num_layers"]
        self.kv_heads = llm["num_kv_heads"]
        self.head_dim = llm["head_dim"]
        self.hidden = llm["hidden_size"]
        self.patch_dim = 3 * vision["patch_size"] * vision["patch_size"]
        self.image_token_id = image_token_id
        self.mask_value = float(torch.finfo(torch.float32).min)
        # Values cached dims-first ([.., D, S]) make a decode step's w @ v read them as the streamed GEMM operand
        # (2x the bandwidth on CPU BLAS); scaled_dot_product_attention wants them tokens-first ([.., S, D]).
        self.v_dims_first = ATTENTION == "chunked"
        inv_full, axes = xdrope_tables(llm["head_dim"], llm["rope_theta"], llm["xdrope_alpha"], llm["xdrope_section"])
        self.register_buffer("rope_inv_freq", inv_full, persistent=False)
        self.register_buffer("rope_axis", axes, persistent=False)

    def cast(self, dtype: torch.dtype) -> "HunyuanOCR":
        """Cast parameters only; rope tables stay float32 / int64."""
        for p in self.parameters():
            p.data = p.data.to(dtype)
        self.mask_value = float(torch.finfo(dtype).min)
        return self

    def _dtype(self) -> torch.dtype:
        return self.model.embed_tokens.weight.dtype

    @torch.jit.export
    def vision_encode(self, pixel_values: torch.Tensor) -> torch.Tensor:
        """pixel_values [gh, gw, 3 * patch * patch] float32 -> image_embeds [(gh/2) * (gw/2 + 1) + 2, H]."""
        gh = pixel_values.size(0)
        gw = pixel_values.size(1)
        x = pixel_values.reshape(gh * gw, self.patch_dim).to(self._dtype())
        return self.vit(x, gh, gw)

    @torch.jit.export
    def prefill_embeds(self, ids: torch.Tensor, image_embeds: torch.Tensor) -> torch.Tensor:
        """ids [1, S] -> [1, S, H]: token embeddings, the image_token positions replaced in order by image_embeds."""
        emb = self.model.embed_tokens(ids)[0]
        is_image = ids[0] == self.image_token_id
        order = torch.cumsum(is_image.to(torch.long), 0) - 1
        rows = image_embeds.to(emb.dtype).index_select(0, order.clamp(min=0))
        return torch.where(is_image.unsqueeze(1), rows, emb).unsqueeze(0)

    def rope(self, position_ids: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """position_ids [B, 4, T] -> cos, sin [B, 1, T, D] in float32; dimension d uses axis rope_axis[d]."""
        pos = position_ids.index_select(1, self.rope_axis.to(position_ids.device)).to(torch.float32)  # [B, D, T]
        ang = pos.transpose(1, 2) * self.rope_inv_freq.to(position_ids.device)
        return ang.cos().unsqueeze(1), ang.sin().unsqueeze(1)

    def lm_logits(self, h: torch.Tensor) -> torch.Tensor:
        return F.linear(h, self.model.embed_tokens.weight).to(torch.float32)

    @torch.jit.export
    def prefill_chunk(self, inputs_embeds: torch.Tensor, position_ids: torch.Tensor, k_slot: torch.Tensor,
                      v_slot: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """One chunk of one sequence's prompt. inputs_embeds [1, T, H]; position_ids [1, 4, T]; k_slot/v_slot
        [L, 1, KVH, P + T, D]: views of the sequence's slot holding its P earlier tokens, written in place (the chunk
        goes to the last T columns). Returns (next id [1], logits [1, V] float32) of the chunk's last position."""
        x = inputs_embeds.to(self._dtype())
        t = x.size(1)
        w = k_slot.size(3)
        cos, sin = self.rope(position_ids)
        qi = torch.arange(t, device=x.device).unsqueeze(1) + (w - t)
        kj = torch.arange(w, device=x.device).unsqueeze(0)
        allowed = (kj <= qi).view(1, 1, t, w)
        i = 0
        for layer in self.model.layers:
            x = layer(x, cos, sin, allowed, self.mask_value, k_slot[i], v_slot[i], None, self.v_dims_first)
            i += 1
        logits = self.lm_logits(self.model.norm(x[:, -1, :]))
        return logits.argmax(-1), logits

    @torch.jit.export
    def decode(self, tokens: torch.Tensor, lengths: torch.Tensor, k_rows: torch.Tensor, v_rows: torch.Tensor
               ) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """One greedy step for B running sequences. tokens [B]: each row's last id; lengths [B]: its cached tokens
        (= the position of that id, on all four axes, and the column it is written to); k_rows/v_rows: views of
        the rows' slots over columns 0..W-1 with W > max(lengths) (v dims-first when so cached), written in place.
        Returns
        (next ids [B], logits [B, V] float32, lengths + 1), all on the inputs' device."""
        b = tokens.size(0)
        w = k_rows.size(3)
        x = self.model.embed_tokens(tokens).unsqueeze(1)
        ang = lengths.to(torch.float32).unsqueeze(1) * self.rope_inv_freq.to(tokens.device).unsqueeze(0)
        cos = ang.cos().view(b, 1, 1, self.head_dim)
        sin = ang.sin().view(b, 1, 1, self.head_dim)
        allowed = (torch.arange(w, device=tokens.device).unsqueeze(0) <= lengths.unsqueeze(1)).view(b, 1, 1, w)
        i = 0
        for layer in self.model.layers:
            x = layer(x, cos, sin, allowed, self.mask_value, k_rows[i], v_rows[i], lengths, self.v_dims_first)
            i += 1
        logits = self.lm_logits(self.model.norm(x[:, 0, :]))
        return logits.argmax(-1), logits, lengths + 1

    @torch.jit.export
    def new_kv(self, shape: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """The caller's KV cache: shape [slots, slot_tokens, 0] (no data, its sizes and device only) -> k
        [L, slots, KVH, slot_tokens, D] and v of the same shape, or [L, slots, KVH, D, slot_tokens] when values are
        cached dims-first (manifest runtime.v_cache), zeros in the bundle dtype on shape's device."""
        size = [self.num_layers, shape.size(0), self.kv_heads, shape.size(1), self.head_dim]
        k = torch.zeros(size, dtype=self._dtype(), device=shape.device)
        if self.v_dims_first:
            size = [self.num_layers, shape.size(0), self.kv_heads, self.head_dim, shape.size(1)]
        return k, torch.zeros(size, dtype=self._dtype(), device=shape.device)

    @torch.jit.export
    def copy_kv(self, dst_k: torch.Tensor, dst_v: torch.Tensor, src_k: torch.Tensor, src_v: torch.Tensor
                ) -> torch.Tensor:
        """Copies one slot view into another of the same shape (a sequence moving between slots)."""
        dst_k.copy_(src_k)
        dst_v.copy_(src_v)
        return dst_k.new_zeros([0])

    def forward(self, tokens: torch.Tensor, lengths: torch.Tensor, k_rows: torch.Tensor, v_rows: torch.Tensor
                ) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        return self.decode(tokens, lengths, k_rows, v_rows)

    # ---- reference path (Python only): cache by concatenation, as the golden tokens were made ----

    def plain_cache(self, batch: int, device: torch.device) -> Tuple[torch.Tensor, torch.Tensor]:
        k = torch.zeros([self.num_layers, batch, self.kv_heads, 0, self.head_dim], dtype=self._dtype(), device=device)
        return k, k.clone()

    def run_layers(self, inputs_embeds: torch.Tensor, position_ids: torch.Tensor, attention_mask: torch.Tensor,
                   past_k: torch.Tensor, past_v: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """All positions, left-padded batch: returns (final-normed hidden [B,T,H], new_k, new_v)."""
        x = inputs_embeds.to(self._dtype())
        t = x.size(1)
        s = past_k.size(3)
        cos, sin = self.rope(position_ids)
        key_ok = attention_mask.to(torch.bool).unsqueeze(1).unsqueeze(1)  # [B,1,1,S+T]
        qi = torch.arange(t, device=x.device).unsqueeze(1) + s
        kj = torch.arange(s + t, device=x.device).unsqueeze(0)
        allowed = key_ok & (kj <= qi).unsqueeze(0).unsqueeze(0)
        ks: List[torch.Tensor] = []
        vs: List[torch.Tensor] = []
        for i, layer in enumerate(self.model.layers):
            x, k, v = layer.plain(x, cos, sin, allowed, self.mask_value, past_k[i], past_v[i])
            ks.append(k)
            vs.append(v)
        return self.model.norm(x), torch.stack(ks), torch.stack(vs)

    def plain_step(self, inputs_embeds: torch.Tensor, position_ids: torch.Tensor, attention_mask: torch.Tensor,
                   past_k: torch.Tensor, past_v: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        h, k, v = self.run_layers(inputs_embeds, position_ids, attention_mask, past_k, past_v)
        return self.lm_logits(h[:, -1, :]), k, v


# ----------------------------------------------------------------------------------------------------------
# safetensors (minimal reader / writer)
# ----------------------------------------------------------------------------------------------------------

_ST_DTYPES = {"F32": (np.float32, 4), "F16": (np.float16, 2), "BF16": (None, 2), "F64": (np.float64, 8),
              "I64": (np.int64, 8), "I32": (np.int32, 4)}


def read_safetensors(path: str) -> Dict[str, torch.Tensor]:
    out = {}
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n).decode("utf-8"))
        base = 8 + n
        for name, meta in header.items():
            if name == "__metadata__":
                continue
            dt, shape, (a, b) = meta["dtype"], meta["shape"], meta["data_offsets"]
            if dt not in _ST_DTYPES:
                raise ValueError("unsupported safetensors dtype %s for %s" % (dt, name))
            f.seek(base + a)
            raw = f.read(b - a)
            if dt == "BF16":
                u16 = np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16
                t = torch.from_numpy(u16.view(np.float32).copy()).to(torch.bfloat16)
            else:
                t = torch.from_numpy(np.frombuffer(raw, dtype=np.dtype(_ST_DTYPES[dt][0]).newbyteorder("<")).copy())
            out[name] = t.reshape(shape)
    return out


def write_safetensors(path: str, tensors: Dict[str, torch.Tensor]):
    header, blobs, off = {}, [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().cpu().contiguous()
        if t.dtype == torch.bfloat16:
            raw = (t.to(torch.float32).numpy().view(np.uint32) >> 16).astype("<u2").tobytes()
            dt = "BF16"
        elif t.dtype == torch.float16:
            raw, dt = t.numpy().astype("<f2").tobytes(), "F16"
        else:
            raw, dt = t.to(torch.float32).numpy().astype("<f4").tobytes(), "F32"
        header[name] = {"dtype": dt, "shape": list(t.shape), "data_offsets": [off, off + len(raw)]}
        blobs.append(raw)
        off += len(raw)
    h = json.dumps(header).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


# ----------------------------------------------------------------------------------------------------------
# Tokenizer: byte-level BPE (tokenizer.json) in pure Python, plus the tiny-twin trainer
# ----------------------------------------------------------------------------------------------------------

def bytes_to_unicode() -> Dict[int, str]:
    """GPT-2 byte -> printable unicode char map (the one HF ByteLevel uses)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


BYTE2CHAR = bytes_to_unicode()
CHAR2BYTE = {c: b for b, c in BYTE2CHAR.items()}


class PyTokenizer:
    """Encodes/decodes with a tokenizer.json whose pre-tokenizer is ByteLevel(use_regex=false) (the tiny twin).
    Added tokens are split out first (longest match), as HF tokenizers does."""

    def __init__(self, path: str):
        with open(path, "r", encoding="utf-8") as f:
            tj = json.load(f)
        model = tj["model"]
        assert model["type"] == "BPE"
        self.vocab = model["vocab"]
        self.id2tok = {i: t for t, i in self.vocab.items()}
        merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in model["merges"]]
        self.ranks = {m: i for i, m in enumerate(merges)}
        self.added = {}
        for a in tj.get("added_tokens", []):
            self.added[a["content"]] = a["id"]
            self.id2tok[a["id"]] = a["content"]
        self.special_ids = {a["id"] for a in tj.get("added_tokens", []) if a.get("special")}
        pre = tj.get("pre_tokenizer") or {}
        if not (pre.get("type") == "ByteLevel" and pre.get("use_regex") is False):
            raise ValueError("PyTokenizer supports only ByteLevel(use_regex=false); install `tokenizers` for this file")
        self.added_sorted = sorted(self.added, key=len, reverse=True)
        self.vocab_size = max(self.id2tok) + 1

    def _bpe(self, word: str) -> List[int]:
        sym = list(word)
        while len(sym) > 1:
            best, bi = None, -1
            for i in range(len(sym) - 1):
                r = self.ranks.get((sym[i], sym[i + 1]))
                if r is not None and (best is None or r < best):
                    best, bi = r, i
            if best is None:
                break
            pair = (sym[bi], sym[bi + 1])
            out, i = [], 0
            while i < len(sym):
                if i < len(sym) - 1 and sym[i] == pair[0] and sym[i + 1] == pair[1]:
                    out.append(sym[i] + sym[i + 1])
                    i += 2
                else:
                    out.append(sym[i])
                    i += 1
            sym = out
        return [self.vocab[s] for s in sym]

    def encode(self, text: str) -> List[int]:
        ids, buf, i = [], [], 0
        while i < len(text):
            hit = None
            if text[i] == "<":
                for a in self.added_sorted:
                    if text.startswith(a, i):
                        hit = a
                        break
            if hit:
                if buf:
                    ids += self._bpe("".join(BYTE2CHAR[b] for b in "".join(buf).encode("utf-8")))
                    buf = []
                ids.append(self.added[hit])
                i += len(hit)
            else:
                buf.append(text[i])
                i += 1
        if buf:
            ids += self._bpe("".join(BYTE2CHAR[b] for b in "".join(buf).encode("utf-8")))
        return ids

    def decode(self, ids: List[int], skip_special: bool = False) -> str:
        out = bytearray()
        for i in ids:
            if skip_special and i in self.special_ids:
                continue
            t = self.id2tok.get(int(i))
            if t is None:
                continue
            if all(c in CHAR2BYTE for c in t):
                out += bytes(CHAR2BYTE[c] for c in t)
            else:
                out += t.encode("utf-8")
        return out.decode("utf-8", errors="replace")


class HFTokenizer:
    """Wrapper over the `tokenizers` package (for the real checkpoint's tokenizer.json)."""

    def __init__(self, path: str):
        from tokenizers import Tokenizer  # noqa
        self.tok = Tokenizer.from_file(path)
        self.vocab_size = self.tok.get_vocab_size(with_added_tokens=True)

    def encode(self, text: str) -> List[int]:
        return self.tok.encode(text, add_special_tokens=False).ids

    def decode(self, ids: List[int], skip_special: bool = False) -> str:
        return self.tok.decode(list(ids), skip_special_tokens=skip_special)


def load_tokenizer(path: str):
    try:
        return PyTokenizer(path)
    except ValueError:
        return HFTokenizer(path)


def train_bpe(texts: List[str], num_merges: int) -> List[Tuple[str, str]]:
    """Plain byte-level BPE training over whole lines (no pre-tokenizer splitting); deterministic tie-break."""
    seqs = [[BYTE2CHAR[b] for b in t.encode("utf-8")] for t in texts if t]
    merges = []
    for _ in range(num_merges):
        counts: Dict[Tuple[str, str], int] = {}
        for s in seqs:
            for a, b in zip(s, s[1:]):
                counts[(a, b)] = counts.get((a, b), 0) + 1
        if not counts:
            break
        best = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        if best[1] < 2:
            break
        pair = best[0]
        merges.append(pair)
        new = pair[0] + pair[1]
        for k, s in enumerate(seqs):
            if len(s) < 2:
                continue
            out, i = [], 0
            while i < len(s):
                if i < len(s) - 1 and s[i] == pair[0] and s[i + 1] == pair[1]:
                    out.append(new)
                    i += 2
                else:
                    out.append(s[i])
                    i += 1
            seqs[k] = out
    return merges


def tokenizer_corpus(data_dir: str) -> List[str]:
    lines = []
    for lang in ("zh", "en"):
        for t in TASKS:
            lines += [PROMPTS[lang][t]] * 4
    # spotting / parsing output vocabulary the twin is trained on
    lines += ["<ref>", "</ref>", "<quad>(", "),(", ")</quad>", "$$", "\\frac{", "<table><tr><td>", "</td></tr></table>"]
    files = ["tesseract-testing/phototest.txt", "tesseract-testing/eurotext.txt", "ocrmypdf-resources/linn.txt"]
    mdir = os.path.join(data_dir, "omnidocbench-demo", "gt_md")
    if os.path.isdir(mdir):
        files += [os.path.join("omnidocbench-demo", "gt_md", f) for f in sorted(os.listdir(mdir))[:6]]
    for rel in files:
        p = os.path.join(data_dir, rel)
        if os.path.exists(p):
            with open(p, "r", encoding="utf-8", errors="replace") as f:
                txt = f.read()[:6000]
            lines += [l.strip() for l in txt.splitlines() if l.strip()]
    p = os.path.join(data_dir, "im2latex-sample", "gt.jsonl")
    if os.path.exists(p):
        with open(p, encoding="utf-8") as f:
            for i, l in enumerate(f):
                if i >= 60:
                    break
                try:
                    d = json.loads(l)
                    v = d.get("latex") or d.get("formula") or next((x for x in d.values() if isinstance(x, str) and "\\" in x), None)
                    if v:
                        lines.append(v)
                except Exception:
                    pass
    return lines


def build_tokenizer_json(merges: List[Tuple[str, str]], special_ids: Dict[str, int], total_vocab: int,
                         filler_prefix: str = "<\uff5ctiny_unused\u2581%d\uff5c>") -> Tuple[dict, int]:
    """Vocab: 256 byte symbols, merge results, then (optional) unused fillers, specials at the given ids.
    Specials are both in the BPE vocab (so their ids are honoured whatever the loader) and in added_tokens."""
    vocab = {}
    for b in range(256):
        vocab[BYTE2CHAR[b]] = b
    for a, b in merges:
        t = a + b
        if t not in vocab:
            vocab[t] = len(vocab)
    n_base = len(vocab)
    by_id = {i: s for s, i in special_ids.items()}
    assert min(by_id) >= n_base, "special ids overlap BPE vocab"
    for i in range(n_base, total_vocab):
        vocab[by_id[i] if i in by_id else filler_prefix % i] = i
    added = [{"id": i, "content": by_id[i], "single_word": False, "lstrip": False, "rstrip": False,
              "normalized": False, "special": True} for i in sorted(by_id)]
    tj = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False},
        "post_processor": None,
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                  "vocab": vocab, "merges": ["%s %s" % m for m in merges]},
    }
    return tj, n_base


def special_ids_to_manifest(ids_by_key: Dict[str, int]) -> dict:
    st = {}
    for key, _ in SPECIAL_STRINGS:
        if key.startswith("eos"):
            continue
        st[key] = ids_by_key[key]
    st["eos"] = [ids_by_key["eos0"], ids_by_key["eos1"]]
    order = ["bos", "user", "eos", "system_sep", "image_start", "image_end", "image_token", "image_newline",
             "quad", "quad_end", "ref", "ref_end", "pfig", "pfig_end"]
    return {k: st[k] for k in order}


# ----------------------------------------------------------------------------------------------------------
# Preprocessing (contract section "Preprocessing")
# ----------------------------------------------------------------------------------------------------------

def smart_resize(H: int, W: int, pp: dict) -> Tuple[int, int]:
    factor = pp["patch_size"] * pp["merge_size"]
    if max(H, W) / min(H, W) > pp["max_aspect_ratio"]:
        raise ValueError("aspect ratio above %s: %dx%d" % (pp["max_aspect_ratio"], W, H))
    h = round(H / factor) * factor
    w = round(W / factor) * factor
    if h * w > pp["max_pixels"]:
        b = math.sqrt(H * W / pp["max_pixels"])
        h = max(factor, math.floor(H / b / factor) * factor)
        w = max(factor, math.floor(W / b / factor) * factor)
    elif h * w < pp["min_pixels"]:
        b = math.sqrt(pp["min_pixels"] / (H * W))
        h = math.ceil(H * b / factor) * factor
        w = math.ceil(W * b / factor) * factor
    return h, w


def preprocess_image(img: Image.Image, pp: dict):
    """-> (resized uint8 RGB PIL image, pixel_values float32 [gh*gw, 768], (gh, gw), (W, H))"""
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # palette+tRNS: alpha is dropped, the palette RGB is kept (Pillow semantics)
        img = img.convert("RGB")
    W, H = img.size
    h, w = smart_resize(H, W, pp)
    if (w, h) != (W, H):
        img = img.resize((w, h), Image.BICUBIC)
    u8 = np.asarray(img, dtype=np.uint8)
    x = (u8.astype(np.float64) * pp["rescale_factor"]).astype(np.float32)
    mean = np.array(pp["image_mean"], dtype=np.float32)
    std = np.array(pp["image_std"], dtype=np.float32)
    x = (x - mean) / std  # float32
    p = pp["patch_size"]
    gh, gw = h // p, w // p
    x = x.transpose(2, 0, 1).reshape(3, gh, p, gw, p).transpose(1, 3, 0, 2, 4).reshape(gh * gw, 3 * p * p)
    x = np.ascontiguousarray(x, dtype=np.float32)
    return img, x, (gh, gw), (W, H)


def pixels_sha256(x: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(x, dtype="<f4").tobytes()).hexdigest()


# ----------------------------------------------------------------------------------------------------------
# Prompt layout and XD-RoPE positions
# ----------------------------------------------------------------------------------------------------------

def render_prompt(manifest: dict, task: str, lang: str, fields=None, key=None, language=None, question=None) -> str:
    tmpl = manifest["prompts"][lang][task]
    if task == "ie":
        return tmpl.replace("{fields}", python_field_list(list(fields or ["key1", "key2"])))
    if task == "ie_single":
        return tmpl.replace("{key}", key or "Key")
    if task == "translate":
        return tmpl.replace("{language}", manifest["prompts"]["languages"][lang][language or ("zh" if lang == "en" else "en")])
    if task == "vqa":
        return tmpl.replace("{question}", question or "")
    return tmpl


def num_image_tokens(gh: int, gw: int) -> int:
    return (gh // 2) * (gw // 2 + 1) + 2


def build_prompt_ids(st: dict, gh: int, gw: int, text_ids: List[int]) -> List[int]:
    return ([st["bos"], st["system_sep"], st["image_start"]] + [st["image_token"]] * num_image_tokens(gh, gw)
            + [st["image_end"]] + list(text_ids) + [st["user"]])


def build_positions(ids: List[int], st: dict, gh: int, gw: int) -> np.ndarray:
    S = len(ids)
    pos = np.tile(np.arange(S, dtype=np.int64), (4, 1))
    s = ids.index(st["image_start"])
    start = s + 2
    cols, rows = gw // 2 + 1, gh // 2
    for r in range(rows):
        for c in range(cols):
            o = start + r * cols + c
            pos[1, o] = c
            pos[2, o] = r
            pos[3, o] = 0
    return pos


# ----------------------------------------------------------------------------------------------------------
# Bundle I/O
# ----------------------------------------------------------------------------------------------------------

def sha256_file(p: str) -> str:
    h = hashlib.sha256()
    with open(p, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def make_manifest(model_id, revision, dtype, vision, llm, special, preprocessing, max_new, files) -> dict:
    return {
        "format_version": FORMAT_VERSION,
        "model_id": model_id,
        "model_revision": revision,
        "dtype": dtype,
        "files": files,
        "architecture": {
            "vision": {k: vision[k] for k in ("hidden_size", "num_layers", "num_heads", "intermediate_size",
                                              "patch_size", "position_table_side")},
            "llm": {k: llm[k] for k in ("hidden_size", "num_layers", "num_heads", "num_kv_heads", "head_dim",
                                        "intermediate_size", "vocab_size", "rope_theta", "xdrope_alpha",
                                        "xdrope_section", "max_position_embeddings")},
        },
        "special_tokens": special,
        "preprocessing": preprocessing,
        "prompts": PROMPTS,
        "generation": {"strategy": "greedy", "stop_ids": list(special["eos"]), "max_new_tokens": max_new,
                       "repetition": REPETITION},
    }


def write_bundle(out: str, model: HunyuanOCR, tokenizer_json_bytes: bytes, manifest_base: dict):
    os.makedirs(out, exist_ok=True)
    model.eval()
    manifest_base["runtime"] = {"attention": ATTENTION, "exported_with_torch": torch.__version__.split("+")[0],
                                "v_cache": "dims_first" if model.v_dims_first else "tokens_first"}
    with torch.no_grad():
        scripted = torch.jit.script(model)
    mp = os.path.join(out, "model.pt")
    scripted.save(mp)
    tp = os.path.join(out, "tokenizer.json")
    with open(tp, "wb") as f:
        f.write(tokenizer_json_bytes)
    manifest_base["files"] = {"model.pt": sha256_file(mp), "tokenizer.json": sha256_file(tp)}
    with open(os.path.join(out, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest_base, f, ensure_ascii=False, indent=2)
        f.write("\n")
    return scripted


def load_manifest(bundle: str) -> dict:
    with open(os.path.join(bundle, "manifest.json"), encoding="utf-8") as f:
        return json.load(f)


def cfg_from_manifest(m: dict) -> Tuple[dict, dict]:
    a = m["architecture"]
    # eps: recorded by export --checkpoint (the checkpoint's rms_norm_eps); bundles without it used 1e-5
    v = dict(a["vision"], eps=a["vision"].get("eps", 1e-5), merge_size=m["preprocessing"]["merge_size"])
    l = dict(a["llm"], eps=a["llm"].get("eps", 1e-5))
    return v, l


def weights_path(bundle: str) -> str:
    return os.path.join(bundle, "reference_weights.safetensors")


def load_eager(bundle: str) -> Tuple[HunyuanOCR, dict]:
    """Eager reference module for a bundle: weights come from the scripted file's state dict (parameters are
    identical tensors), loaded into freshly constructed eager classes."""
    m = load_manifest(bundle)
    v, l = cfg_from_manifest(m)
    model = HunyuanOCR(v, l, m["special_tokens"]["image_token"])
    sm = torch.jit.load(os.path.join(bundle, "model.pt"), map_location="cpu")
    sd = {k: t for k, t in sm.state_dict().items()}
    dt = DTYPES[m["dtype"]]
    model.cast(dt)
    missing, unexpected = model.load_state_dict(sd, strict=False)
    missing = [k for k in missing if k not in ("rope_inv_freq", "rope_axis")]
    unexpected = [k for k in unexpected if k not in ("rope_inv_freq", "rope_axis")]
    if missing or unexpected:
        raise RuntimeError("state dict mismatch: missing=%s unexpected=%s" % (missing, unexpected))
    model.eval()
    return model, m


# ----------------------------------------------------------------------------------------------------------
# Weight initialisation (tiny twin / random decoder)
# ----------------------------------------------------------------------------------------------------------

def init_weights(model: HunyuanOCR, seed: int, emb_std: float = 0.3):
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("bias"):
                p.copy_(torch.randn(p.shape, generator=g) * 0.02)
            elif "layernorm" in name or "rms" in name or name.endswith("norm.weight"):
                p.copy_(1.0 + torch.randn(p.shape, generator=g) * 0.05)
            elif "embed_tokens" in name:
                p.copy_(torch.randn(p.shape, generator=g) * emb_std)
            elif "position_embedding" in name:
                p.copy_(torch.randn(p.shape, generator=g) * 0.5)
            elif p.dim() == 1:  # image_newline / begin / end / sep
                p.copy_(torch.randn(p.shape, generator=g) * (p.numel() ** -0.5) * 4)
            else:
                fan_in = p[0].numel()
                p.copy_(torch.randn(p.shape, generator=g) * (fan_in ** -0.5))


# ----------------------------------------------------------------------------------------------------------
# Generation (eager reference, KV cache, greedy)
# ----------------------------------------------------------------------------------------------------------

def prepare_inputs(bundle_manifest: dict, tok, image_path: str, task: str, lang: str, **kw):
    pp = bundle_manifest["preprocessing"]
    st = bundle_manifest["special_tokens"]
    with Image.open(image_path) as im:
        im.load()
        resized, px, (gh, gw), (W, H) = preprocess_image(im, pp)
    prompt = render_prompt(bundle_manifest, task, lang, **kw)
    text_ids = tok.encode(prompt)
    ids = build_prompt_ids(st, gh, gw, text_ids)
    pos = build_positions(ids, st, gh, gw)
    return dict(resized=resized, pixels=px, grid=(gh, gw), orig=(W, H), prompt=prompt, text_ids=text_ids, ids=ids,
                pos=pos)


def grid_pixels(pixels: np.ndarray, grid) -> torch.Tensor:
    """pixel_values [gh*gw, 768] -> the [gh, gw, 768] tensor vision_encode takes (the grid travels as the shape)."""
    gh, gw = grid
    return torch.from_numpy(pixels).reshape(gh, gw, -1)


def greedy(module, manifest: dict, pixels: np.ndarray, grid, ids: List[int], pos: np.ndarray, max_new: int,
           record_top: int = 0):
    """Reference greedy decoding on the eager module's plain path (cache by concatenation, one sequence)."""
    stops = set(manifest["generation"]["stop_ids"])
    with torch.no_grad():
        img = module.vision_encode(grid_pixels(pixels, grid))
        emb = module.prefill_embeds(torch.tensor([ids], dtype=torch.long), img)
        k, v = module.plain_cache(1, emb.device)
        S = len(ids)
        mask = torch.ones(1, S, dtype=torch.long)
        logits, k, v = module.plain_step(emb, torch.from_numpy(pos).unsqueeze(0), mask, k, v)
        first_top = None
        if record_top:
            vals, idx = logits[0].topk(record_top)
            first_top = [[int(i), float(x)] for i, x in zip(idx, vals)]
        out, finish = [], "length"
        margin = float("inf")
        for n in range(max_new):
            if record_top:
                t2 = logits[0].topk(2).values
                margin = min(margin, float(t2[0] - t2[1]))
            nxt = int(torch.argmax(logits[0]))
            if nxt in stops:
                finish = "stop"
                break
            out.append(nxt)
            if n == max_new - 1:
                break
            e = module.model.embed_tokens(torch.tensor([[nxt]], dtype=torch.long))
            p = torch.full((1, 4, 1), S + n, dtype=torch.long)
            mask = torch.ones(1, S + n + 1, dtype=torch.long)
            logits, k, v = module.plain_step(e, p, mask, k, v)
    if record_top:
        return out, finish, dict(first_step_top=first_top, min_top2_margin=margin)
    return out, finish, None


class SlotRunner:
    """Drives the exported methods exactly as the Java scheduler does (BUNDLE_FORMAT.md "Driving the methods"):
    one static KV cache [L, slots, KVH, slot_tokens, D]; a prompt is prefilled chunk by chunk into a free slot; the
    running rows occupy slots 0..n-1 and decode together through views of that cache; a row that leaves is replaced
    by the last row (copy_kv). Works with the eager module and a torch.jit-loaded one."""

    def __init__(self, module, manifest: dict, slots: int, slot_tokens: int, chunk: int = 512, device="cpu"):
        self.m = module
        self.chunk = chunk
        self.k, self.v = module.new_kv(torch.zeros(slots, slot_tokens, 0, device=device))
        self.v_dims_first = bool(module.v_dims_first)
        self.device = device

    def views(self, first: int, last: int, width: int) -> Tuple[torch.Tensor, torch.Tensor]:
        """k and v of slots first..last-1 over columns 0..width-1 (basic slicing: views the methods write into)."""
        v = self.v[:, first:last, :, :, :width] if self.v_dims_first else self.v[:, first:last, :, :width]
        return self.k[:, first:last, :, :width], v

    def prefill(self, slot: int, emb: torch.Tensor, pos: np.ndarray, chunk: Optional[int] = None):
        """Whole prompt into `slot`, `chunk` tokens per call; returns (first id, last logits)."""
        chunk = chunk or self.chunk
        S = emb.size(1)
        pos_t = torch.from_numpy(np.ascontiguousarray(pos)).unsqueeze(0).to(self.device)
        nxt = logits = None
        for a in range(0, S, chunk):
            b = min(S, a + chunk)
            k, v = self.views(slot, slot + 1, b)
            nxt, logits = self.m.prefill_chunk(emb[:, a:b], pos_t[:, :, a:b], k, v)
        return int(nxt[0]), logits

    def decode(self, tokens: torch.Tensor, lengths: torch.Tensor, width: int):
        k, v = self.views(0, tokens.size(0), width)
        return self.m.decode(tokens, lengths, k, v)

    def move(self, src: int, dst: int, length: int):
        dk, dv = self.views(dst, dst + 1, length)
        sk, sv = self.views(src, src + 1, length)
        self.m.copy_kv(dk, dv, sk, sv)


def greedy_runtime(module, manifest: dict, pixels: np.ndarray, grid, ids: List[int], pos: np.ndarray, max_new: int,
                   chunk: int = 512):
    """One sequence through the exported methods (slot 0, chunked prefill, device-resident tokens/lengths)."""
    stops = set(manifest["generation"]["stop_ids"])
    S = len(ids)
    with torch.no_grad():
        img = module.vision_encode(grid_pixels(pixels, grid))
        emb = module.prefill_embeds(torch.tensor([ids], dtype=torch.long), img)
        run = SlotRunner(module, manifest, 1, S + max_new, chunk)
        nxt, _ = run.prefill(0, emb, pos)
        out, finish = [], "length"
        tokens = torch.tensor([nxt])
        lengths = torch.tensor([S])
        for n in range(max_new):
            if nxt in stops:
                finish = "stop"
                break
            out.append(nxt)
            if n == max_new - 1:
                break
            tokens, _, lengths = run.decode(tokens, lengths, S + n + 1)
            nxt = int(tokens[0])
    return out, finish, None


# ----------------------------------------------------------------------------------------------------------
# Export paths
# ----------------------------------------------------------------------------------------------------------

def export_tiny(out: str, seed: int, data_dir: str, revision: Optional[str] = None, train_steps: int = 0,
                train_minutes: float = 0.0, dtype: str = "float32"):
    texts = tokenizer_corpus(data_dir)
    merges = train_bpe(texts, 400)
    n_base = 256 + len({a + b for a, b in merges})
    ids_by_key = {key: n_base + i for i, (key, _) in enumerate(SPECIAL_STRINGS)}
    strings = {key: s for key, s in SPECIAL_STRINGS}
    vocab_size = n_base + len(SPECIAL_STRINGS)
    tj, _ = build_tokenizer_json(merges, {strings[k]: i for k, i in ids_by_key.items()}, vocab_size)
    special = special_ids_to_manifest(ids_by_key)
    llm = dict(TINY_LLM, vocab_size=vocab_size)
    vision = dict(TINY_VISION)
    torch.manual_seed(seed)
    model = HunyuanOCR(vision, llm, special["image_token"])
    init_weights(model, seed)
    tok_bytes = json.dumps(tj, ensure_ascii=False, indent=None).encode("utf-8")
    if train_steps or train_minutes:
        import tempfile
        tmp = tempfile.mkdtemp()
        with open(os.path.join(tmp, "tokenizer.json"), "wb") as f:
            f.write(tok_bytes)
        tok = PyTokenizer(os.path.join(tmp, "tokenizer.json"))
        man = make_manifest("scriptorium/hunyuan-ocr-tiny", "train", "float32", vision, llm, special,
                            TINY_PREPROCESSING, TINY_MAX_NEW, {})
        info = train_tiny(model, man, tok, seed, train_steps, train_minutes)
    model.cast(DTYPES[dtype])
    rev = revision or "tiny-%d-%s" % (seed, datetime.date.today().strftime("%Y%m%d"))
    man = make_manifest("scriptorium/hunyuan-ocr-tiny", rev, dtype, vision, llm, special, TINY_PREPROCESSING,
                        TINY_MAX_NEW, {})
    if train_steps or train_minutes:
        man["training"] = {"data": "synthetic Pillow-drawn pages (DejaVu fonts), tasks %s" % [t for t, _ in TRAIN_TASKS],
                           "seed": seed, **info}
    write_bundle(out, model, tok_bytes, man)
    return model


def export_random_real(out: str, seed: int, data_dir: str, dtype: str = "float32", real_vision: bool = False,
                       vision_layers: Optional[int] = None, llm_layers: Optional[int] = None):
    """Benchmark bundles with random weights: the real LLM, and either the tiny vision tower or the real one (depths
    can be cut to measure per-layer cost and peak memory). Real preprocessing, so pages reach ~4,100 image tokens."""
    texts = tokenizer_corpus(data_dir)
    merges = train_bpe(texts, 400)
    strings = {key: s for key, s in SPECIAL_STRINGS}
    real = {"bos": 120000, "user": 120006, "eos0": 120007, "eos1": 120020, "system_sep": 120021,
            "image_start": 120118, "image_end": 120119, "image_token": 120120, "image_newline": 120121,
            "quad": 120128, "quad_end": 120129, "ref": 120130, "ref_end": 120131, "pfig": 120132, "pfig_end": 120133}
    llm = dict(REAL_LLM)
    if llm_layers:
        llm["num_layers"] = llm_layers
    tj, _ = build_tokenizer_json(merges, {strings[k]: i for k, i in real.items()}, llm["vocab_size"])
    special = special_ids_to_manifest(real)
    vision = dict(REAL_VISION if real_vision else TINY_VISION)
    if vision_layers:
        vision["num_layers"] = vision_layers
    model = HunyuanOCR(vision, llm, special["image_token"])
    init_weights(model, seed, emb_std=0.05)
    model.cast(DTYPES[dtype])
    kind = "random-real" if real_vision else "random-real-decoder"
    man = make_manifest("scriptorium/hunyuan-ocr-" + kind, "random-%d" % seed, dtype, vision, llm,
                        special, REAL_PREPROCESSING, REAL_MAX_NEW, {})
    man["note"] = ("benchmark only: random weights, tiny tokenizer; LLM %d layers of the real width; %s vision tower "
                   "(%d layers)" % (llm["num_layers"], "real-width" if real_vision else "tiny", vision["num_layers"]))
    write_bundle(out, model, json.dumps(tj, ensure_ascii=False).encode("utf-8"), man)


def export_from_bundle(src: str, out: str):
    """Re-exports a bundle's weights, tokenizer and manifest with this file's methods, format and prompt sets."""
    model, man = load_eager(src)
    with open(os.path.join(src, "tokenizer.json"), "rb") as f:
        tok_bytes = f.read()
    man = dict(man, format_version=FORMAT_VERSION, prompts=RELEASE_PROMPTS.get(man.get("release", "1.0"), PROMPTS))
    man.pop("files", None)
    write_bundle(out, model, tok_bytes, man)


# ----------------------------------------------------------------------------------------------------------
# Real checkpoints (export --checkpoint). Every architecture setting comes from the checkpoint's own files and is
# compared with what the module implements; anything else is refused, naming the file, the key and its value.
# What the official 1.0 code does with each key: the transformers branch the 1.0 README pins (commit 82a06db,
# "ManaEstras/transformers v4.57.1.hyvl", modeling_hunyuan_vl.py) and vLLM's hunyuan_vision.py / xdrope.py.
# ----------------------------------------------------------------------------------------------------------

# HunyuanOCR-1.5's official task prompts (the 1.5 release's inference/utils/hunyuan_tasks.py; hunyuanocr.md §1),
# under this bundle's task keys (1.5 key in the comment). 1.5 has no wording for ie / ie_single / subtitles / vqa:
# they keep the 1.0 compact wording. The last four keys are 1.5-only tasks the runtime cannot select (yet).
PROMPTS_1_5_ZH = {
    "spotting": "检测并识别图片中的文字，将文本坐标格式化输出。",  # spotting_hunyuan
    "parse": "提取文档图片中正文的所有信息用markdown格式表示，其中页眉、页脚部分忽略，表格用html格式表达，文档中公式用latex格式表示，"
             "按照阅读顺序组织进行解析。",  # doc_parse
    "formula": "识别图片中的公式，用LaTeX格式表示。",  # formula
    "table": "把图中的表格解析为HTML。",  # table
    "chart": "解析图中的图表，对于流程图使用Mermaid格式表示，其他图表使用Markdown格式表示。",  # chart_parse
    "text": "提取图中的文字。",  # structured_parse
    "ie": PROMPTS_ZH_COMPACT["ie"],
    "ie_single": PROMPTS_ZH_COMPACT["ie_single"],
    # trans_other2en / trans_other2zh: the same sentence with 英文 / 中文
    "translate": "按照阅读顺序，提取图中文字，公式用latex格式表示，表格用markdown格式表示，再将文字内容翻译为{language}。",
    "subtitles": PROMPTS_ZH_COMPACT["subtitles"],
    "vqa": "{question}",
    "spotting_json": "检测并识别图中所有的文字行，请按从上到下、从左到右的阅读顺序进行识别。 输出格式为 JSON 数组，每个元素必须包含："
                     "\"box\": [xmin, ymin, xmax, ymax]（坐标需归一化到 [0, 1000] 范围内）；\"text\": \"识别出的文字内容\"。 "
                     "注意：请直接输出 JSON 数组，不要包含任何多余的描述性文字。",
    "layout": "按照阅读顺序解析图中的版式信息。",
    "layout_parse": "提取文档图片中所有内容用markdown格式表示，表格用html格式表达，文档中公式用latex格式表示，请按照阅读顺序组织进行全文解析，"
                    "并输出版式分析信息。",
    "doc_translate_zh": "先解析文档，再将文档内容翻译为中文，其中页眉、页脚忽略，公式用latex格式表示，表格用html格式表示。",  # doc_trans_en2zh
}
PROMPTS_1_5 = {"default_language": "zh", "zh": PROMPTS_1_5_ZH, "languages": {"zh": ZH_LANGUAGES}}
RELEASE_PROMPTS = {"1.0": PROMPTS, "1.5": PROMPTS_1_5}

# What HunyuanOCR-1.5 does that this bundle does not, whatever its files say (sources: the 1.5 release,
# Tencent-Hunyuan/HunyuanOCR develop branch as mirrored in ceo1st/HunyuanOCR).
RELEASE_1_5_NOT_IMPLEMENTED = [
    "decoding: every official 1.5 inference path decodes greedily with repetition_penalty=1.08 "
    "(inference/transformers/infer_hf_8gpu_hyocr15.py, inference/transformers/README.md 'Sampling alignment', the vLLM "
    "clients); the bundle's greedy decode (argmax inside `decode`) applies no repetition penalty",
    "XD-RoPE: 1.5's official transformers path (transformers >= 5.13, inference/transformers/requirements.txt) rotates "
    "image tokens with whole-head sections (xdrope_section doubled element-wise: 4 chunks of 32 dims, so a rotation "
    "pair mixes two position axes) while its vLLM path and this module use per-half sections (8 chunks of 16, pairs on "
    "one axis); which layout 1.5 was trained with is not established",
]

# Keys the official 1.0 code reads but that change nothing for one image per prompt (recorded as notes).
_IGNORED_BY_OFFICIAL = {
    "rope": ("beta_fast", "beta_slow", "factor", "mscale", "mscale_all_dim"),  # the xdrope + alpha branch uses alpha only
}


class CheckpointError(ValueError):
    """`export --checkpoint` refuses the checkpoint; the message lists every reason, each naming file, key and value."""


class _Findings:
    def __init__(self):
        self.problems: List[str] = []
        self.notes: List[str] = []

    def refuse(self, where: str, key: str, value, why: str):
        """where: a file ("config.json") or a path inside one ending in "." ("config.json vision_config.")."""
        self.problems.append("%s%s%s=%s: %s" % (where, "" if where.endswith(".") else " ", key,
                                                json.dumps(value, ensure_ascii=False), why))

    def note(self, text: str):
        self.notes.append(text)


def _load_json(path: str) -> Optional[dict]:
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def _pick(d: dict, where: str, keys: Tuple[str, ...], default, fx: _Findings, required: bool = False):
    """The value of the first of `keys` present in d; aliases that disagree, or a required key that is absent, are
    refused (never silently defaulted)."""
    present = [(k, d[k]) for k in keys if k in d and d[k] is not None]
    if len(set(json.dumps(v, sort_keys=True) for _, v in present)) > 1:
        fx.refuse(where, "/".join(k for k, _ in present), [v for _, v in present],
                  "aliases of one setting disagree")
    if present:
        return present[0][1]
    if required:
        fx.refuse(where, keys[0], None, "missing; the exporter does not assume a value")
    return default


def detect_release(ckpt: str, cfg: dict) -> Tuple[str, List[str]]:
    """'1.0' (flat config: text settings at the top level, rope_scaling) or '1.5' (nested text_config /
    vision_config, rope_parameters; chat_template.jinja and a dflash/ draft next to the weights). Raises
    CheckpointError when the layout and the files contradict each other."""
    nested = isinstance(cfg.get("text_config"), dict)
    flat = "hidden_size" in cfg or "num_hidden_layers" in cfg or "rope_scaling" in cfg
    files_15 = [f for f in ("chat_template.jinja", "dflash", "video_preprocessor_config.json")
                if os.path.exists(os.path.join(ckpt, f))]
    signals = (["config.json has a nested text_config (1.5 layout)"] if nested else
               ["config.json is flat: text settings at the top level (1.0 layout)"] if flat else [])
    signals += ["%s present (a 1.5 release file)" % f for f in files_15]
    if nested and flat:
        raise CheckpointError("config.json has both a nested text_config and top-level text settings: cannot tell the "
                              "release (%s)" % "; ".join(signals))
    if not nested and not flat:
        raise CheckpointError("config.json has neither a text_config nor top-level text settings (hidden_size, "
                              "num_hidden_layers, rope_scaling): not a HunyuanOCR config")
    if flat and files_15:
        raise CheckpointError("config.json is the flat 1.0 layout but %s (1.5 release files) lie next to it: a mixed "
                              "download? Point --checkpoint at the v1.0/ folder alone" % ", ".join(files_15))
    return ("1.5" if nested else "1.0"), signals


def read_real_config(ckpt: str) -> dict:
    """Reads config.json, tokenizer.json, preprocessor_config.json (or processor_config.json) and
    generation_config.json of a checkpoint directory. Returns the module's vision / llm dicts, the preprocessing and
    special ids for the manifest, the stop ids, the release and notes; raises CheckpointError listing every setting
    the module does not implement."""
    cfg = _load_json(os.path.join(ckpt, "config.json"))
    if cfg is None:
        raise CheckpointError("%s has no config.json" % ckpt)
    release, signals = detect_release(ckpt, cfg)
    fx = _Findings()
    C = "config.json"
    if release == "1.5":
        for reason in RELEASE_1_5_NOT_IMPLEMENTED:
            fx.problems.append("release 1.5 (%s): %s" % ("; ".join(signals), reason))
        fx.problems.append("release 1.5: the Hugging Face repo root holds 1.5; for 1.0 point --checkpoint at its v1.0/ "
                           "folder")
    t = cfg["text_config"] if release == "1.5" else cfg
    tw = C + (" text_config." if release == "1.5" else "")
    vc = cfg.get("vision_config")
    if not isinstance(vc, dict):
        fx.refuse(C, "vision_config", vc, "missing; the exporter does not assume the vision tower's settings")
        vc = {}
    vw = C + " vision_config."

    arch = cfg.get("architectures")
    if arch is not None and "HunYuanVLForConditionalGeneration" not in arch:
        fx.refuse(C, "architectures", arch, "not HunYuanVLForConditionalGeneration")
    for key, ok in (("model_type", ("hunyuan_vl",)),):
        if key in cfg and cfg[key] not in ok:
            fx.refuse(C, key, cfg[key], "expected %s" % " or ".join(ok))

    # ---- LLM --------------------------------------------------------------------------------------------------
    hidden = _pick(t, tw, ("hidden_size",), None, fx, True)
    heads = _pick(t, tw, ("num_attention_heads",), None, fx, True)
    kv_heads = _pick(t, tw, ("num_key_value_heads",), heads, fx)
    head_dim = _pick(t, tw, ("head_dim", "attention_head_dim"), None, fx)
    if head_dim is None and hidden and heads:
        head_dim = hidden // heads
        fx.note("%s head_dim absent: hidden_size / num_attention_heads = %d (transformers' rule)" % (tw, head_dim))
    inter = _pick(t, tw, ("intermediate_size",), None, fx, True)
    if isinstance(inter, list):
        if len(set(inter)) != 1:
            fx.refuse(tw, "intermediate_size", inter, "per-layer MLP widths are not implemented")
        inter = inter[0]
    vocab = _pick(t, tw, ("vocab_size",), None, fx, True)
    if "org_vocab_size" in t and t["org_vocab_size"] != vocab:
        fx.refuse(tw, "org_vocab_size", t["org_vocab_size"], "differs from vocab_size=%s" % vocab)
    act = _pick(t, tw, ("hidden_act",), "silu", fx)
    if act not in ("silu", "swish"):
        fx.refuse(tw, "hidden_act", act, "the module's LLM MLP is SwiGLU with SiLU")
    for key, bad, why in (
            ("attention_bias", True, "the module's q/k/v/o projections have no bias"),
            ("mlp_bias", True, "the module's MLP projections have no bias"),
            ("use_qk_norm", False, "the module always applies query_layernorm / key_layernorm after RoPE"),
            ("use_cla", True, "cross-layer attention (shared KV) is not implemented"),
            ("vision_full_attention", True, "bidirectional attention among image tokens inside the LLM is not "
                                            "implemented (the module's LLM mask is causal)")):
        if t.get(key) == bad or (t is not cfg and cfg.get(key) == bad):
            fx.refuse(tw, key, bad, why)
    experts = t.get("num_experts")
    if experts not in (None, 0, 1):
        fx.refuse(tw, "num_experts", experts, "mixture-of-experts layers are not implemented (dense MLP only)")
    norm_type = t.get("norm_type")
    if norm_type is not None and norm_type not in ("hf_rms", "rms"):
        fx.refuse(tw, "norm_type", norm_type, "the module's LLM norms are RMSNorm (official: hf_rms / rms)")
    if t.get("sliding_window") not in (None, 0) and t.get("use_sliding_window", True):
        fx.refuse(tw, "sliding_window", t.get("sliding_window"), "sliding-window attention is not implemented")
    eps = float(_pick(t, tw, ("rms_norm_eps",), None, fx, True) or 0.0)
    max_pos = _pick(t, tw, ("max_position_embeddings",), None, fx, True)
    tie = cfg.get("tie_word_embeddings", t.get("tie_word_embeddings"))  # None: absent, decided by the weights
    if release == "1.5" and "tie_word_embeddings" in t and t["tie_word_embeddings"] != tie:
        fx.refuse(C, "tie_word_embeddings", [tie, t["tie_word_embeddings"]], "top level and text_config disagree")

    # rope: 1.0 keeps rope_scaling + rope_theta at the top level; 1.5 / transformers >= 5 use rope_parameters
    rs = t.get("rope_scaling") or t.get("rope_parameters")
    rkey = "rope_scaling" if t.get("rope_scaling") else "rope_parameters"
    if t.get("rope_scaling") and t.get("rope_parameters"):
        fx.refuse(tw, "rope_scaling/rope_parameters", [t["rope_scaling"], t["rope_parameters"]],
                  "two RoPE settings: cannot tell which one applies")
    if not isinstance(rs, dict):
        fx.refuse(tw, "rope_scaling", rs, "missing: XD-RoPE needs its type, alpha and xdrope_section")
        rs = {}
    rw = "%s%s%s." % (tw, "" if tw.endswith(".") else " ", rkey)
    rtype = _pick(rs, rw, ("rope_type", "type"), None, fx)
    alpha = rs.get("alpha")
    section = _pick(rs, rw, ("xdrope_section", "mrope_section"), None, fx)
    if rtype not in ("xdrope", "dynamic"):
        fx.refuse(rw, "type", rtype, "only XD-RoPE (type xdrope, NTK-alpha base) is implemented")
    if not isinstance(alpha, (int, float)) or isinstance(alpha, bool) or alpha <= 0:
        fx.refuse(rw, "alpha", alpha, "XD-RoPE's NTK-alpha base theta * alpha^(D/(D-2)) needs a positive alpha (the "
                                      "official code takes the plain dynamic-NTK branch without it)")
        alpha = 1.0
    if (not isinstance(section, list) or len(section) != 4
            or not all(isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in section)
            or (head_dim and sum(section) * 2 != head_dim)):
        fx.refuse(rw, "xdrope_section", section, "must be 4 positive integers (axes p, w, h, t) summing to "
                                                 "head_dim/2 = %s" % (head_dim // 2 if head_dim else "?"))
        section = [1, 1, 1, 1]
    ignored = {k: rs[k] for k in _IGNORED_BY_OFFICIAL["rope"] if k in rs}
    if ignored:
        fx.note("%s %s: not used by the official XD-RoPE branch (alpha only), not used here either"
                % (rw.rstrip("."), ", ".join("%s=%s" % kv for kv in ignored.items())))
    theta_t, theta_r = t.get("rope_theta"), rs.get("rope_theta")
    if theta_t is not None and theta_r is not None and float(theta_t) != float(theta_r):
        fx.refuse(tw, "rope_theta", [theta_t, theta_r], "the top-level value and %s.rope_theta disagree" % rkey)
    theta = theta_t if theta_t is not None else theta_r
    if theta is None:
        fx.refuse(tw, "rope_theta", None, "missing; the exporter does not assume a value")
        theta = 10000.0

    llm = dict(REAL_LLM)
    llm.update(hidden_size=hidden, num_layers=_pick(t, tw, ("num_hidden_layers",), None, fx, True), num_heads=heads,
               num_kv_heads=kv_heads, head_dim=head_dim, intermediate_size=inter, vocab_size=vocab,
               rope_theta=float(theta), xdrope_alpha=float(alpha), xdrope_section=list(section),
               max_position_embeddings=max_pos, eps=eps)
    if heads and kv_heads and heads % kv_heads:
        fx.refuse(tw, "num_key_value_heads", kv_heads, "must divide num_attention_heads=%s" % heads)

    # ---- vision tower -------------------------------------------------------------------------------------------
    vact = vc.get("hidden_act", "gelu")
    if vact != "gelu":
        fx.refuse(vw, "hidden_act", vact, "the module's ViT MLP and patch merger use exact (erf) GELU, "
                                          "transformers' \"gelu\" (the merger's GELU is fixed in the official code)")
    interp = vc.get("interpolate_mode", "bilinear")
    if interp != "bilinear":
        fx.refuse(vw, "interpolate_mode", interp, "the module interpolates the position table bilinearly "
                                                  "(align_corners=False, scale_factor (g+0.1)/side)")
    vheads = _pick(vc, vw, ("num_attention_heads", "attention_heads"), None, fx, True)
    vkv = vc.get("num_key_value_heads")
    if vkv not in (None, vheads):
        fx.refuse(vw, "num_key_value_heads", vkv, "the ViT attention has no GQA (must equal num_attention_heads=%s)"
                  % vheads)
    for key, want, why in (("num_channels", 3, "RGB patches"), ("temporal_patch_size", 1, "images only"),
                           ("spatial_merge_size", 2, "the prompt layout, the positions and the Java runtime use a 2x2 "
                                                     "merge"),
                           ("spatial_patch_size", 1, "no extra spatial pooling is implemented"),
                           ("add_patchemb_bias", True, "the module's patch embedding has a bias"),
                           ("cat_extra_token", True, "the module always emits the image_begin / image_end rows")):
        if key in vc and vc[key] != want and not (isinstance(want, bool) and vc[key] == int(want)):
            fx.refuse(vw, key, vc[key], "must be %s: %s" % (json.dumps(want), why))
    if vc.get("vision_full_attention"):
        fx.note("%svision_full_attention=true: one image per vision_encode call, whose patches all attend to each "
                "other (what the flag selects in the official ViT)" % vw)
    veps = _pick(vc, vw, ("rms_norm_eps", "layer_norm_eps"), None, fx, True)
    patch = _pick(vc, vw, ("patch_size",), None, fx, True) or 16
    mis = _pick(vc, vw, ("max_image_size",), None, fx, True) or 2048
    if mis % patch:
        fx.refuse(vw, "max_image_size", mis, "not a multiple of patch_size=%s" % patch)
    vision = dict(REAL_VISION)
    vision.update(hidden_size=_pick(vc, vw, ("hidden_size",), None, fx, True),
                  num_layers=_pick(vc, vw, ("num_hidden_layers",), None, fx, True), num_heads=vheads,
                  intermediate_size=_pick(vc, vw, ("intermediate_size",), None, fx, True), patch_size=patch,
                  position_table_side=mis // patch, eps=float(veps or 0.0), merge_size=2)
    for key in ("out_hidden_size", "text_hidden_size"):
        if key in vc and vc[key] != hidden:
            fx.note("%s%s=%s differs from the LLM hidden_size %s: the official code sizes the merger output by the "
                    "LLM (text_hidden_size is overwritten with it), so does the module" % (vw, key, vc[key], hidden))

    # ---- tokenizer and token ids --------------------------------------------------------------------------------
    tokp = os.path.join(ckpt, "tokenizer.json")
    ids = {}
    if not os.path.exists(tokp):
        fx.refuse(ckpt, "tokenizer.json", None, "missing")
    else:
        try:
            ids = resolve_special_ids(tokp)
        except KeyError as e:
            fx.refuse("tokenizer.json", "added_tokens", str(e), "a special token of the prompt layout is missing")
    if ids:
        tok_ids = {"image_token": ("image_token_id",), "image_start": ("im_start_id", "image_start_token_id"),
                   "image_end": ("im_end_id", "image_end_token_id"),
                   "image_newline": ("im_newline_id", "image_newline_token_id"), "bos": ("bos_token_id",)}
        for key, names in tok_ids.items():
            for src, where in ((cfg, C), (t if t is not cfg else {}, tw), (vc, vw)):
                for name in names:
                    if name in src and src[name] is not None and src[name] != ids[key]:
                        fx.refuse(where, name, src[name], "tokenizer.json gives %s id %d: the prompt layout "
                                                                      "would use another token" % (key, ids[key]))
    stop = [ids.get("eos0", 120007), ids.get("eos1", 120020)]
    gen = _load_json(os.path.join(ckpt, "generation_config.json"))
    if gen is not None:
        eos_src, eos_where = gen, "generation_config.json"
    else:
        eos_src, eos_where = t, tw
        fx.note("no generation_config.json: stop ids from %s eos_token_id / eod_token_id" % tw)
    extra = []
    for key in ("eos_token_id",) + (("eod_token_id",) if gen is None else ()):
        e = eos_src.get(key)
        extra += e if isinstance(e, list) else ([e] if e is not None else [])
    for i in extra:
        if i not in stop:
            fx.note("%s eos id %d added to the stop ids" % (eos_where, i))
            stop.append(i)
    if gen is not None:
        if gen.get("bos_token_id") not in (None, ids.get("bos")) and ids:
            fx.refuse("generation_config.json", "bos_token_id", gen["bos_token_id"],
                      "tokenizer.json's BOS is %d" % ids["bos"])
        rp = gen.get("repetition_penalty")
        if rp not in (None, 1, 1.0):
            fx.note("generation_config.json repetition_penalty=%s: transformers' generate would apply it, the "
                    "official 1.0 vLLM client passes repetition_penalty=1.0 and the bundle decodes without a penalty"
                    % rp)
        sampled = {k: gen[k] for k in ("do_sample", "temperature", "top_p", "top_k") if k in gen}
        if sampled:
            fx.note("generation_config.json %s: the official 1.0 scripts decode greedily (do_sample=False / "
                    "temperature 0), as the bundle does" % json.dumps(sampled))

    # ---- preprocessing -------------------------------------------------------------------------------------------
    pp = dict(REAL_PREPROCESSING)
    pc = _load_json(os.path.join(ckpt, "preprocessor_config.json"))
    pwhere = "preprocessor_config.json"
    if pc is None:
        proc = _load_json(os.path.join(ckpt, "processor_config.json"))
        if proc is not None and isinstance(proc.get("image_processor"), dict):
            pc, pwhere = proc["image_processor"], "processor_config.json image_processor"
    if pc is None:
        fx.note("no preprocessor_config.json: the contract's 1.0 preprocessing (min_pixels 512^2, max_pixels 2048^2, "
                "CLIP mean/std, bicubic) is recorded")
    else:
        size = pc.get("size") if isinstance(pc.get("size"), dict) else {}
        for dst, keys in (("min_pixels", ("min_pixels",)), ("max_pixels", ("max_pixels",))):
            v = pc.get(keys[0])
            alt = size.get("shortest_edge" if dst == "min_pixels" else "longest_edge")
            if v is None:
                v = alt
            elif alt is not None and alt != v:
                fx.note("%s %s=%s and size=%s: transformers' processor lets %s win, so does the bundle"
                        % (pwhere, dst, v, json.dumps(size), dst))
            if v is not None:
                pp[dst] = int(v)
        for key in ("image_mean", "image_std", "rescale_factor"):
            if key in pc:
                pp[key] = pc[key]
        if len(pp["image_mean"]) != 3 or len(pp["image_std"]) != 3:
            fx.refuse(pwhere, "image_mean/image_std", [pp["image_mean"], pp["image_std"]], "need 3 values each")
        resample = pc.get("resample", 3)
        if resample not in (3, "bicubic", "BICUBIC"):
            fx.refuse(pwhere, "resample", resample, "the runtime resizes with Pillow BICUBIC (3) only (1 is LANCZOS)")
        for key, want in (("patch_size", patch), ("merge_size", 2), ("temporal_patch_size", 1)):
            if key in pc and pc[key] != want:
                fx.refuse(pwhere, key, pc[key], "must be %s (the vision tower's)" % want)
        for key in ("do_resize", "do_rescale", "do_normalize", "do_convert_rgb"):
            if pc.get(key) is False:
                fx.refuse(pwhere, key, False, "the runtime always resizes, rescales, normalises and converts to RGB")
        for key in ("min_pixels", "max_pixels"):
            if pp[key] != REAL_PREPROCESSING[key]:
                fx.note("%s %s=%s (1.0 contract %s): the checkpoint's value is recorded"
                        % (pwhere, key, pp[key], REAL_PREPROCESSING[key]))
    pp["patch_size"] = patch

    if fx.problems:
        raise CheckpointError("export --checkpoint %s refused (%d reason%s):\n  - %s"
                              % (ckpt, len(fx.problems), "" if len(fx.problems) == 1 else "s",
                                 "\n  - ".join(fx.problems)))
    return dict(release=release, release_signals=signals, vision=vision, llm=llm, preprocessing=pp, special_ids=ids,
                stop_ids=stop, tie_word_embeddings=tie, notes=fx.notes)


def checkpoint_key(name: str) -> str:
    """A weight name of any known HunyuanOCR layout -> the 1.0 checkpoint's (the module's): `vit.vit.`, `visual.`,
    `language_model.model.` (older exports) and transformers >= 5's own names (`model.language_model.`,
    `model.vision_tower.`, `patch_merger.proj_conv/proj_out`, `mlp.fc1/fc2`, `layer_norm1/2`)."""
    for src, dst in (("vit.vit.", "vit."), ("visual.", "vit."), ("language_model.model.", "model."),
                     ("model.language_model.", "model."), ("model.vision_tower.", "vit."), ("vision_tower.", "vit."),
                     ("model.vit.", "vit.")):
        if name.startswith(src):
            name = dst + name[len(src):]
            break
    if name.startswith("vit."):
        name = name.replace(".patch_merger.", ".perceive.").replace("perceive.proj_conv.", "perceive.proj.0.")
        name = name.replace("perceive.proj_out.", "perceive.proj.2.")
        name = name.replace(".mlp.fc1.", ".mlp.dense_h_to_4h.").replace(".mlp.fc2.", ".mlp.dense_4h_to_h.")
        name = re.sub(r"^vit\.layers\.(\d+)\.layer_norm1\.", r"vit.layers.\1.input_layernorm.", name)
        name = re.sub(r"^vit\.layers\.(\d+)\.layer_norm2\.", r"vit.layers.\1.post_attention_layernorm.", name)
    return name


def load_checkpoint_tensors(ckpt: str) -> Dict[str, torch.Tensor]:
    files = sorted(fn for fn in os.listdir(ckpt) if fn.endswith(".safetensors"))
    if not files:
        raise CheckpointError("no *.safetensors in %s" % ckpt)
    out: Dict[str, torch.Tensor] = {}
    origin: Dict[str, str] = {}
    for fn in files:
        for k, t in read_safetensors(os.path.join(ckpt, fn)).items():
            key = checkpoint_key(k)
            if key in out:
                raise CheckpointError("%s: %s and %s (%s) both name %s" % (ckpt, origin[key], k, fn, key))
            out[key] = t
            origin[key] = "%s (%s)" % (k, fn)
    return out


def resolve_special_ids(tokenizer_json: str) -> Dict[str, int]:
    """Special ids by manifest key, looked up by their strings in tokenizer.json (added_tokens first, then the BPE
    vocab). The ids documented for the real model are compared and differences printed: the file is what counts."""
    with open(tokenizer_json, encoding="utf-8") as f:
        tj = json.load(f)
    by_content = {a["content"]: a["id"] for a in tj.get("added_tokens", [])}
    vocab = tj.get("model", {}).get("vocab", {})
    ids = {}
    for key, s in SPECIAL_STRINGS:
        i = by_content.get(s, vocab.get(s) if isinstance(vocab, dict) else None)
        if i is None:
            raise KeyError("special token %r not in %s" % (s, tokenizer_json))
        ids[key] = i
    expected = {"bos": 120000, "user": 120006, "eos0": 120007, "eos1": 120020, "system_sep": 120021,
                "image_start": 120118, "image_end": 120119, "image_token": 120120, "image_newline": 120121,
                "quad": 120128, "quad_end": 120129, "ref": 120130, "ref_end": 120131, "pfig": 120132,
                "pfig_end": 120133}
    for k, v in expected.items():
        if ids[k] != v:
            print("note: %s resolves to %d, documented id %d" % (k, ids[k], v), file=sys.stderr)
    return ids


def export_checkpoint(ckpt: str, out: str, dtype: str, revision: str):
    """Exports a real checkpoint directory (HF `v1.0/`) after read_real_config has accepted every setting."""
    spec = read_real_config(ckpt)
    vision, llm, pp, release = spec["vision"], spec["llm"], spec["preprocessing"], spec["release"]
    notes = list(spec["notes"])
    special = special_ids_to_manifest(spec["special_ids"])
    model = HunyuanOCR(vision, llm, special["image_token"])
    sd = load_checkpoint_tensors(ckpt)
    lm = sd.pop("lm_head.weight", None)
    emb = sd.get("model.embed_tokens.weight")
    tie = spec["tie_word_embeddings"]
    same = lm is not None and emb is not None and torch.equal(lm.float(), emb.float())
    if tie:
        if lm is not None and not same:
            notes.append("lm_head.weight differs from embed_tokens but tie_word_embeddings=true: the official code "
                         "ties the head to the embedding and so does the module")
    elif tie is None:
        if lm is not None and not same:
            raise CheckpointError("config.json has no tie_word_embeddings and lm_head.weight differs from "
                                  "model.embed_tokens.weight: an untied LM head is not implemented")
        notes.append("config.json has no tie_word_embeddings: %s, so the head is the embedding"
                     % ("lm_head.weight equals embed_tokens" if lm is not None else "no lm_head.weight"))
    elif not same:
        raise CheckpointError("config.json tie_word_embeddings=false and lm_head.weight %s: an untied LM head is not "
                              "implemented (logits = hidden . embed_tokens^T)"
                              % ("is missing" if lm is None else "differs from model.embed_tokens.weight"))
    model.cast(DTYPES[dtype])
    own = model.state_dict()
    missing = [k for k in own if k not in sd and k not in ("rope_inv_freq", "rope_axis")]
    unexpected = [k for k in sd if k not in own]
    if missing or unexpected:
        raise CheckpointError("checkpoint weight names do not match the module:\n missing=%s\n unexpected=%s"
                              % (missing[:20], unexpected[:20]))
    bad = ["%s: checkpoint %s, config gives %s" % (k, tuple(sd[k].shape), tuple(own[k].shape))
           for k in own if k in sd and tuple(sd[k].shape) != tuple(own[k].shape)]
    if bad:
        raise CheckpointError("weight shapes contradict config.json:\n  " + "\n  ".join(bad[:20]))
    model.load_state_dict({k: v.to(DTYPES[dtype]) for k, v in sd.items()}, strict=False)
    with open(os.path.join(ckpt, "tokenizer.json"), "rb") as f:
        tok_bytes = f.read()
    man = make_manifest("tencent/HunyuanOCR", revision, dtype, vision, llm, special, pp, REAL_MAX_NEW, {})
    man["release"] = release
    man["prompts"] = RELEASE_PROMPTS[release]
    man["architecture"]["vision"]["eps"] = vision["eps"]
    man["architecture"]["llm"]["eps"] = llm["eps"]
    man["generation"]["stop_ids"] = spec["stop_ids"]
    src_files = sorted(fn for fn in os.listdir(ckpt) if fn.endswith((".json", ".jinja", ".safetensors")))
    man["source"] = {"release_signals": spec["release_signals"], "files": src_files,
                     "config_sha256": sha256_file(os.path.join(ckpt, "config.json")), "notes": notes}
    for n in notes:
        print("note: " + n, file=sys.stderr)
    write_bundle(out, model, tok_bytes, man)


# ----------------------------------------------------------------------------------------------------------
# Training the tiny twin on synthetic spotting pages (optional)
# ----------------------------------------------------------------------------------------------------------

WORDS = ["Scriptorium", "OCR", "page", "text", "table", "invoice", "total", "date", "2025", "42", "hello", "world",
         "model", "Java", "Spark", "token", "line", "box", "data", "scan", "paper", "figure", "note", "Name",
         "A1", "B2", "x=3", "7.5", "the", "of", "and", "price", "item", "No.", "Total:", "$12.50", "Section",
         "Abstract", "Results", "Table", "Fig.", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "(1)", "x"]
FORMULAS = ["x^{2}+y^{2}=z^{2}", "a+b=c", "\\frac{a}{b}", "E=mc^{2}", "\\alpha+\\beta", "x_{1}+x_{2}", "f(x)=2x+1"]
FORMULA_TEXT = {"x^{2}+y^{2}=z^{2}": "x2+y2=z2", "a+b=c": "a+b=c", "\\frac{a}{b}": "a/b", "E=mc^{2}": "E=mc2",
                "\\alpha+\\beta": "\u03b1+\u03b2", "x_{1}+x_{2}": "x1+x2", "f(x)=2x+1": "f(x)=2x+1"}
PAGE_SIDES = [256, 288, 320, 352, 384, 448]
TRAIN_TASKS = [("spotting", 0.6), ("parse", 0.15), ("text", 0.1), ("table", 0.08), ("formula", 0.07)]


def _font(size: int):
    from PIL import ImageFont
    for p in ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"):
        if os.path.exists(p):
            try:
                return ImageFont.truetype(p, size)
            except Exception:
                pass
    return ImageFont.load_default()


def synth_sample(rng: random.Random, size: Optional[Tuple[int, int]] = None):
    """A Pillow-drawn page and a target in the real output format for one of TRAIN_TASKS.
    Spotting boxes are the drawn text's bounding boxes, normalised to 0..1000 of the original size."""
    from PIL import ImageDraw
    r, task = rng.random(), TRAIN_TASKS[-1][0]
    for t, w in TRAIN_TASKS:
        if r < w:
            task = t
            break
        r -= w
    W, H = size if size else (rng.choice(PAGE_SIDES), rng.choice(PAGE_SIDES))
    bg = rng.randint(215, 255)
    img = Image.new("RGB", (W, H), (bg, bg, bg))
    d = ImageDraw.Draw(img)
    fg = rng.randint(0, 70)
    if task == "table":
        rows, cols = rng.randint(2, 3), 2
        size = rng.randint(14, 22)
        font = _font(size)
        cw, rh = rng.randint(90, 130), size * 2
        x0, y0 = rng.randint(5, 40), rng.randint(5, 40)
        cells = [[rng.choice(WORDS) for _ in range(cols)] for _ in range(rows)]
        for i in range(rows + 1):
            d.line([(x0, y0 + i * rh), (x0 + cols * cw, y0 + i * rh)], fill=(fg, fg, fg))
        for j in range(cols + 1):
            d.line([(x0 + j * cw, y0), (x0 + j * cw, y0 + rows * rh)], fill=(fg, fg, fg))
        for i in range(rows):
            for j in range(cols):
                d.text((x0 + j * cw + 5, y0 + i * rh + size // 3), cells[i][j], fill=(fg, fg, fg), font=font)
        target = "<table>" + "".join("<tr>" + "".join("<td>%s</td>" % c for c in row) + "</tr>" for row in cells) + "</table>"
        return img, task, target
    if task == "formula":
        f = rng.choice(FORMULAS)
        font = _font(rng.randint(20, 36))
        d.text((rng.randint(10, W // 3), rng.randint(10, H // 2)), FORMULA_TEXT[f], fill=(fg, fg, fg), font=font)
        return img, task, "$$%s$$" % f
    items = []
    y = rng.randint(6, 30)
    for _ in range(rng.randint(1, 5)):
        size = rng.randint(14, 34)
        font = _font(size)
        w = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 3)))
        x = rng.randint(4, max(5, W // 3))
        x1, y1, x2, y2 = d.textbbox((x, y), w, font=font)
        if x2 >= W - 2:
            w = w.split(" ")[0]
            x = rng.randint(4, 20)
            x1, y1, x2, y2 = d.textbbox((x, y), w, font=font)
        if x2 >= W - 2 or y2 >= H - 2:
            break
        d.text((x, y), w, fill=(fg, fg, fg), font=font)
        items.append((w, [int(x1 * 1000 / W), int(y1 * 1000 / H), int(x2 * 1000 / W), int(y2 * 1000 / H)]))
        y = y2 + rng.randint(6, 40)
    if not items:
        return img, task, ""
    if task == "spotting":
        target = "".join("<ref>%s</ref><quad>(%d,%d),(%d,%d)</quad>" % (w, b[0], b[1], b[2], b[3]) for w, b in items)
    else:
        target = ("\n\n" if task == "parse" else "\n").join(w for w, _ in items)
    return img, task, target


def train_tiny(model: HunyuanOCR, man: dict, tok: PyTokenizer, seed: int, steps: int, minutes: float,
               lr: float = 3e-3, batch: int = 8):
    """Teacher-forced next-token training on synthetic pages (spotting/parse/text/table/formula) with targets in
    the real model's output format; <ref>, </ref>, <quad>, </quad> are the real placeholder special tokens and
    every target ends with eos[0] (<｜hy_Assistant｜>)."""
    st = man["special_tokens"]
    rng = random.Random(seed)
    torch.manual_seed(seed)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01, betas=(0.9, 0.98))
    rep = {"<ref>": placeholder(112), "</ref>": placeholder(113), "<quad>": placeholder(110),
           "</quad>": placeholder(111)}
    model.train()
    t0 = time.time()
    budget = minutes * 60 if minutes else None
    total = steps if steps else 10 ** 9
    step, ema = 0, None
    while step < total and (budget is None or time.time() - t0 < budget):
        frac = (time.time() - t0) / budget if budget else step / total
        for g in opt.param_groups:
            g["lr"] = lr * min(1.0, (step + 1) / 30) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, frac))))
        opt.zero_grad()
        size = (rng.choice(PAGE_SIDES), rng.choice(PAGE_SIDES))  # one page size per step: same grid, one LLM batch
        seqs, embs = [], []
        for _ in range(batch):
            img, task, target = synth_sample(rng, size)
            lang = rng.choice(["zh", "zh", "en"])
            _, px, (gh, gw), _ = preprocess_image(img, man["preprocessing"])
            for a, b in rep.items():
                target = target.replace(a, b)
            tgt = tok.encode(target) + [st["eos"][0]]
            ids = build_prompt_ids(st, gh, gw, tok.encode(render_prompt(man, task, lang)))
            pos = build_positions(ids, st, gh, gw)
            S = len(ids)
            full_ids = ids + tgt[:-1]
            full_pos = np.concatenate([pos, np.tile(np.arange(S, S + len(tgt) - 1), (4, 1))], axis=1)
            img_e = model.vision_encode(grid_pixels(px, (gh, gw)))
            embs.append(model.prefill_embeds(torch.tensor([full_ids]), img_e)[0])
            seqs.append((full_pos, S, tgt))
        T = max(e.size(0) for e in embs)
        emb = torch.zeros(batch, T, embs[0].size(1), dtype=embs[0].dtype)
        pos_b = torch.zeros(batch, 4, T, dtype=torch.long)
        mask = torch.zeros(batch, T, dtype=torch.long)
        labels = torch.full((batch, T), -100, dtype=torch.long)
        for i, (e, (fp, S, tgt)) in enumerate(zip(embs, seqs)):  # right padding
            n = e.size(0)
            emb[i, :n] = e
            pos_b[i, :, :n] = torch.from_numpy(fp)
            mask[i, :n] = 1
            labels[i, S - 1:S - 1 + len(tgt)] = torch.tensor(tgt)
        k, v = model.plain_cache(batch, emb.device)
        h, _, _ = model.run_layers(emb, pos_b, mask, k, v)
        sel = labels.reshape(-1) >= 0
        logits = model.lm_logits(h.reshape(batch * T, -1)[sel])
        loss = F.cross_entropy(logits, labels.reshape(-1)[sel])
        loss.backward()
        loss_sum = float(loss) * batch
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        ema = loss_sum / batch if ema is None else 0.98 * ema + 0.02 * loss_sum / batch
        if step % 25 == 0:
            print("train step %d loss %.3f (ema %.3f) lr %.2e %.0fs" % (step, loss_sum / batch, ema,
                                                                     opt.param_groups[0]["lr"], time.time() - t0),
                  flush=True)
    model.eval()
    print("trained %d steps (%d samples) in %.0fs, final loss ema %.3f" % (step, step * batch, time.time() - t0,
                                                                         ema or float("nan")))
    return dict(steps=step, samples=step * batch, seconds=round(time.time() - t0), loss_ema=ema)


# ----------------------------------------------------------------------------------------------------------
# Self-check
# ----------------------------------------------------------------------------------------------------------

def selftest(bundle: str, image: Optional[str]) -> dict:
    """Eager reference (plain path) against the scripted bundle driven as the Java runtime drives it."""
    model, man = load_eager(bundle)
    sm = torch.jit.load(os.path.join(bundle, "model.pt"), map_location="cpu")
    tok = load_tokenizer(os.path.join(bundle, "tokenizer.json"))
    st = man["special_tokens"]
    report = {}
    if image:
        inp = prepare_inputs(man, tok, image, "spotting", "zh")
        px, grid = inp["pixels"], inp["grid"]
    else:
        rng = np.random.RandomState(0)
        px, grid = rng.randn(16 * 16, 768).astype(np.float32), (16, 16)
        ids = build_prompt_ids(st, 16, 16, tok.encode(PROMPTS["zh"]["spotting"]))
        inp = dict(ids=ids, pos=build_positions(ids, st, 16, 16))
    ids, pos = inp["ids"], inp["pos"]
    with torch.no_grad():
        ie = model.vision_encode(grid_pixels(px, grid))
        isc = sm.vision_encode(grid_pixels(px, grid))
        report["vision_max_abs_diff"] = float((ie.float() - isc.float()).abs().max())
        emb = model.prefill_embeds(torch.tensor([ids]), ie)
        S = len(ids)
        P = torch.from_numpy(pos).unsqueeze(0)
        k0, v0 = model.plain_cache(1, emb.device)
        le, ke, ve = model.plain_step(emb, P, torch.ones(1, S, dtype=torch.long), k0, v0)
        nxt = int(le.argmax())
        e1 = model.model.embed_tokens(torch.tensor([[nxt]]))
        l1, _, _ = model.plain_step(e1, torch.full((1, 4, 1), S), torch.ones(1, S + 1, dtype=torch.long), ke, ve)
        lf, _, _ = model.plain_step(torch.cat([emb, e1], dim=1), torch.cat([P, torch.full((1, 4, 1), S)], dim=2),
                                    torch.ones(1, S + 1, dtype=torch.long), k0, v0)
        report["cached_vs_full_recompute_max_abs_diff"] = float((l1 - lf).abs().max())
        # runtime path: chunked prefill into slot 1 (whole prompt, 64- and 7-token chunks), then one decode step
        pre, step = 0.0, 0.0
        for chunk in (S, 64, 7):
            run = SlotRunner(sm, man, 2, S + 4, chunk)
            first, ls = run.prefill(1, emb, pos)
            pre = max(pre, float((le - ls).abs().max()))
            run.move(1, 0, S)
            _, l1s, lens = run.decode(torch.tensor([nxt]), torch.tensor([S]), S + 1)
            step = max(step, float((l1 - l1s).abs().max()))
            report["decode_returns_lengths_plus_one"] = int(lens[0]) == S + 1
        report["prefill_logits_max_abs_diff_eager_vs_scripted"] = pre
        report["step_logits_max_abs_diff_eager_vs_scripted"] = step
        worst, same = batch_vs_alone(model, sm, man, tok)
        report["batch3_slots_vs_alone_max_abs_diff"] = worst
        report["batch3_same_greedy_tokens"] = same
        p = torch.softmax(le[0], -1)
        report["prefill_entropy_nats"] = float(-(p * p.clamp_min(1e-30).log()).sum())
        report["prefill_top1_prob"] = float(p.max())
    tol = 1e-4 if man["dtype"] == "float32" else 5e-2
    loose = 1e-3 if man["dtype"] == "float32" else 0.5  # different matmul shapes round differently in half types
    ok = (report["prefill_logits_max_abs_diff_eager_vs_scripted"] <= loose
          and report["step_logits_max_abs_diff_eager_vs_scripted"] <= loose
          and report["vision_max_abs_diff"] <= tol
          and report["cached_vs_full_recompute_max_abs_diff"] <= loose
          and report["batch3_slots_vs_alone_max_abs_diff"] <= loose
          and report["batch3_same_greedy_tokens"] and report["decode_returns_lengths_plus_one"])
    report["ok"] = bool(ok)
    return report


def batch_vs_alone(model, sm, man: dict, tok, steps: int = 6) -> Tuple[float, bool]:
    """Three text-only sequences of different lengths join a running batch at different steps (prefilled in chunks
    into the staging slot, then moved), the first leaves early (the last row moves into its slot); every logits row
    must equal the sequence's lone plain-path decode."""
    st = man["special_tokens"]
    texts = ("Hello, world", "检测并识别图片中的文字，将文本坐标格式化输出。", "OCR")
    seqs = [[st["bos"]] + tok.encode(t) + [st["user"]] for t in texts]
    alone = []
    for s in seqs:
        n = len(s)
        k, v = model.plain_cache(1, torch.device("cpu"))
        l, k, v = model.plain_step(model.model.embed_tokens(torch.tensor([s])),
                                   torch.arange(n).view(1, 1, n).expand(1, 4, n).contiguous(),
                                   torch.ones(1, n, dtype=torch.long), k, v)
        rows = [l[0]]
        for i in range(steps):
            c = int(l.argmax())
            l, k, v = model.plain_step(model.model.embed_tokens(torch.tensor([[c]])), torch.full((1, 4, 1), n + i),
                                       torch.ones(1, n + i + 1, dtype=torch.long), k, v)
            rows.append(l[0])
        alone.append(rows)
    limit = [2, steps, steps]  # sequence 0 leaves after 2 decode steps
    staging = 3
    run = SlotRunner(sm, man, 4, max(len(s) for s in seqs) + steps + 2, 5)
    live = []  # host state per row (slot = index): [seq, length, last id, logits seen]
    worst, same = 0.0, True
    for join in range(3):
        s = seqs[join]
        first, logits = run.prefill(staging, model.model.embed_tokens(torch.tensor([s])),
                                    np.tile(np.arange(len(s)), (4, 1)))
        run.move(staging, len(live), len(s))
        worst = max(worst, float((logits[0] - alone[join][0]).abs().max()))
        same &= first == int(alone[join][0].argmax())
        live.append([join, len(s), first, 1])
        for _ in range(2):  # two steps before the next join
            tokens = torch.tensor([r[2] for r in live])
            lengths = torch.tensor([r[1] for r in live])
            nxt, logits, _ = run.decode(tokens, lengths, max(r[1] for r in live) + 1)
            for i, r in enumerate(live):
                ref = alone[r[0]][r[3]]
                worst = max(worst, float((logits[i] - ref).abs().max()))
                same &= int(nxt[i]) == int(ref.argmax())
                r[1] += 1
                r[2] = int(nxt[i])
                r[3] += 1
            for i in reversed(range(len(live))):
                if live[i][3] > limit[live[i][0]]:
                    last = len(live) - 1
                    if i != last:
                        run.move(last, i, live[last][1])
                        live[i] = live[last]
                    live.pop()
    return worst, bool(same)


# ----------------------------------------------------------------------------------------------------------
# Device check: every tensor an exported method creates must follow its inputs' device
# ----------------------------------------------------------------------------------------------------------

EXPORTED_METHODS = ["vision_encode", "prefill_embeds", "new_kv", "prefill_chunk", "decode", "copy_kv"]
FACTORY_OPS = {"aten::zeros", "aten::ones", "aten::empty", "aten::full", "aten::arange", "aten::tensor",
               "aten::scalar_tensor", "aten::rand", "aten::randn", "aten::randint", "aten::eye", "aten::linspace"}


def factory_ops_without_device(sm) -> List[str]:
    """Static half: in every exported method's inlined graph, a factory op whose device argument is the constant
    None would allocate on the CPU whatever device the model runs on."""
    found = []
    for name in EXPORTED_METHODS:
        graph = getattr(sm, name).graph.copy()
        torch._C._jit_pass_inline(graph)
        for node in graph.nodes():
            if node.kind() not in FACTORY_OPS:
                continue
            args = [a.split("=")[0].strip().split(" ")[-1] for a in
                    node.schema().split("(", 1)[1].split(") ->", 1)[0].split(",")]
            args = [a for a in args if a != "*"]  # the keyword-only marker is no input
            inputs = list(node.inputs())
            if "device" not in args:
                found.append("%s: %s has no device argument" % (name, node.kind()))
                continue
            dev = inputs[args.index("device")]
            if dev.node().kind() == "prim::Constant" and isinstance(dev.type(), torch._C.NoneType):
                where = (node.sourceRange() or "").strip().splitlines()
                found.append("%s: %s without a device (%s)" % (name, node.kind(), where[0] if where else "?"))
    return found


def device_check(bundle: str) -> dict:
    """Static half above, plus a run of every exported method with the module and all inputs on the `meta` device
    (no data, no CPU): an op mixing devices raises, and every output must come back on `meta`."""
    man = load_manifest(bundle)
    a, v = man["architecture"]["llm"], man["architecture"]["vision"]
    report = {"factory_ops_without_device": factory_ops_without_device(
        torch.jit.load(os.path.join(bundle, "model.pt"), map_location="cpu"))}
    sm = torch.jit.load(os.path.join(bundle, "model.pt"), map_location="meta")
    meta = torch.device("meta")
    gh, gw = 8, 12
    rows = num_image_tokens(gh, gw)
    outputs = {}
    with torch.no_grad():
        img = sm.vision_encode(torch.zeros(gh, gw, 3 * v["patch_size"] ** 2, device=meta))
        outputs["vision_encode"] = [img]
        ids = torch.zeros(1, rows + 10, dtype=torch.long, device=meta)
        emb = sm.prefill_embeds(ids, img)
        outputs["prefill_embeds"] = [emb]
        run = SlotRunner(sm, man, 3, 64, device=meta)  # new_kv
        outputs["new_kv"] = [run.k, run.v]
        outputs["prefill_chunk"] = list(sm.prefill_chunk(emb[:, :16], torch.zeros(1, 4, 16, dtype=torch.long,
                                                                                  device=meta), *run.views(2, 3, 40)))
        outputs["decode"] = list(sm.decode(torch.zeros(2, dtype=torch.long, device=meta),
                                           torch.zeros(2, dtype=torch.long, device=meta), *run.views(0, 2, 41)))
        outputs["copy_kv"] = [sm.copy_kv(*run.views(0, 1, 40), *run.views(2, 3, 40))]
    report["outputs_off_meta"] = ["%s output %d on %s" % (n, i, t.device) for n, outs in outputs.items()
                                  for i, t in enumerate(outs) if t.device != meta]
    report["methods_run_on_meta"] = sorted(outputs)
    report["ok"] = not report["factory_ops_without_device"] and not report["outputs_off_meta"] \
        and sorted(outputs) == sorted(EXPORTED_METHODS)
    return report


# ----------------------------------------------------------------------------------------------------------
# Goldens
# ----------------------------------------------------------------------------------------------------------

def default_golden_cases(data: str) -> List[Tuple[str, str, str, str]]:
    """(case name, image path relative to data, task, prompt language)"""
    im2 = sorted(os.listdir(os.path.join(data, "im2latex-sample", "images")))[0]
    ptn = sorted(os.listdir(os.path.join(data, "pubtabnet", "images")))[0]
    jpg = sorted(os.listdir(os.path.join(data, "omnidocbench-demo", "images")))[0]
    pages = [
        ("phototest", "tesseract-testing/phototest.tif"),
        ("phototest_rotated_l", "tesseract-testing/phototest-rotated-L.png"),
        ("linn", "ocrmypdf-resources/linn.png"),
        ("typewriter", "ocrmypdf-resources/typewriter.png"),
        ("pubtabnet", "pubtabnet/images/" + ptn),
        ("im2latex", "im2latex-sample/images/" + im2),
    ]
    cases = []
    for name, rel in pages:
        cases.append((name + "__spotting_zh", rel, "spotting", "zh"))
        cases.append((name + "__parse_zh", rel, "parse", "zh"))
    cases.append(("phototest__spotting_en", "tesseract-testing/phototest.tif", "spotting", "en"))
    cases.append(("im2latex__formula_zh", "im2latex-sample/images/" + im2, "formula", "zh"))
    cases.append(("pubtabnet__table_en", "pubtabnet/images/" + ptn, "table", "en"))
    cases.append(("omnidocbench_jpeg__spotting_zh", "omnidocbench-demo/images/" + jpg, "spotting", "zh"))
    return cases


def make_goldens(bundle: str, data: str, out: str, argv: List[str]) -> List[dict]:
    os.makedirs(out, exist_ok=True)
    model, man = load_eager(bundle)
    sm = torch.jit.load(os.path.join(bundle, "model.pt"), map_location="cpu")
    tok = load_tokenizer(os.path.join(bundle, "tokenizer.json"))
    summary = []
    for name, rel, task, lang in default_golden_cases(data):
        inp = prepare_inputs(man, tok, os.path.join(data, rel), task, lang)
        max_new = man["generation"]["max_new_tokens"][task]
        t0 = time.time()
        toks, finish, info = greedy(model, man, inp["pixels"], inp["grid"], inp["ids"], inp["pos"], max_new, record_top=5)
        t1 = time.time()
        toks_s, finish_s, _ = greedy_runtime(sm, man, inp["pixels"], inp["grid"], inp["ids"], inp["pos"], max_new,
                                             chunk=64)
        match = toks_s == toks and finish_s == finish
        gh, gw = inp["grid"]
        W, H = inp["orig"]
        rw, rh = inp["resized"].size
        case = {
            "case": name,
            "image": rel,
            "task": task,
            "prompt_language": lang,
            "prompt_text": inp["prompt"],
            "original_width": W, "original_height": H,
            "resized_width": rw, "resized_height": rh,
            "grid": [gh, gw],
            "num_image_tokens": num_image_tokens(gh, gw),
            "prompt_text_ids": inp["text_ids"],
            "input_ids": inp["ids"],
            "position_ids": inp["pos"].tolist(),
            "generated_ids": toks,
            "finish_reason": finish,
            "max_new_tokens": max_new,
            "decoded_text": tok.decode(toks, skip_special=False),
            "pixel_values_sha256": pixels_sha256(inp["pixels"]),
            "pixel_values_shape": list(inp["pixels"].shape),
            "pixel_values_first16": [float(x) for x in inp["pixels"].reshape(-1)[:16]],
            "first_step_top5_logits": info["first_step_top"],
            "min_top1_top2_logit_margin": info["min_top2_margin"],
            "resized_png": name + ".resized.png",
            "scripted_model_same_tokens": bool(match),
            "bundle_manifest_sha256": sha256_file(os.path.join(bundle, "manifest.json")),
            "lossless_source": not rel.lower().endswith((".jpg", ".jpeg")),
        }
        inp["resized"].save(os.path.join(out, name + ".resized.png"), optimize=True)
        with open(os.path.join(out, name + ".json"), "w", encoding="utf-8") as f:
            f.write(dump_flat_json(case))
        print("%-34s grid %3dx%-3d S=%4d gen=%3d %-6s scripted_match=%s (%.1fs)"
              % (name, gh, gw, len(inp["ids"]), len(toks), finish, match, t1 - t0), flush=True)
        summary.append(dict(case=name, tokens=len(toks), finish=finish, scripted_match=match, prompt_len=len(inp["ids"])))
    with open(os.path.join(out, "README.md"), "w", encoding="utf-8") as f:
        f.write(GOLDEN_README.format(cmd=" ".join(argv), manifest=sha256_file(os.path.join(bundle, "manifest.json")),
                                     rev=man["model_revision"], torch=torch.__version__,
                                     table="\n".join("| %s | %d | %d | %s | %s |" % (s["case"], s["prompt_len"], s["tokens"],
                                                                                  s["finish"], s["scripted_match"])
                                                     for s in summary)))
    return summary


def dump_flat_json(d: dict) -> str:
    """One top-level key per line, values compact (readable diffs, small files)."""
    items = ["  %s: %s" % (json.dumps(k), json.dumps(v, ensure_ascii=False, separators=(",", ":"))) for k, v in d.items()]
    return "{\n" + ",\n".join(items) + "\n}\n"


GOLDEN_README = """# Golden outputs for the tiny twin

Made by the eager PyTorch reference in `model-loader/export/hunyuan_ocr.py` (greedy, KV cache), not by the
TorchScript file; every case was then re-decoded through the scripted `model.pt` from Python and matched
(`scripted_model_same_tokens`).

Command (from the repository root, Debian python with torch {torch}):

    {cmd}

Bundle: `model-loader/src/main/resources/io/scriptorium/model/tiny/` revision `{rev}`,
manifest sha256 `{manifest}` (also in every case as `bundle_manifest_sha256`). Regenerate the goldens whenever
the tiny bundle changes.

One `<case>.json` per case (fields: image path relative to `/work/shared/data`, task, prompt language and text,
original and resized size, patch grid `[gh, gw]`, full prompt `input_ids`, `position_ids` (4 x S, axes p,w,h,t),
`generated_ids` (stop id excluded), `finish_reason` (`stop`|`length`), `decoded_text` (special tokens kept),
sha256 of the float32 little-endian `pixel_values` bytes, the first 16 pixel values, the top-5 logits of the first
step, the smallest top-1/top-2 logit gap met along the greedy path (how much numeric drift the case tolerates)) and
`<case>.resized.png`, the uint8 RGB image after the Pillow bicubic resize (for preprocessing parity).
All sources are lossless (PNG/TIFF) except `omnidocbench_jpeg__spotting_zh`, a JPEG kept to measure decoder drift
(Java's JPEG decoder may differ from Pillow's, so that case may legitimately differ).

| case | prompt tokens | generated | finish | scripted match |
|---|---|---|---|---|
{table}
"""


# ----------------------------------------------------------------------------------------------------------
# CLI
# ----------------------------------------------------------------------------------------------------------

def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("export", help="write a bundle")
    e.add_argument("--checkpoint", help="directory with config.json, *.safetensors, tokenizer.json (HF v1.0/)")
    e.add_argument("--tiny", action="store_true", help="tiny twin with seeded weights")
    e.add_argument("--random-real-decoder", action="store_true", help="real LLM dims, random weights (benchmarks)")
    e.add_argument("--random-real", action="store_true", help="real LLM and vision dims, random weights (benchmarks)")
    e.add_argument("--vision-layers", type=int, default=None, help="random-real only: vision depth")
    e.add_argument("--llm-layers", type=int, default=None, help="random-real only: LLM depth")
    e.add_argument("--from-bundle", help="re-export this bundle's weights with the current methods")
    e.add_argument("--attention", default="auto", choices=["auto", "chunked", "sdpa"],
                   help="attention in the exported methods: sdpa needs torch >= 2.0; auto takes it when present")
    e.add_argument("--out", required=True)
    e.add_argument("--dtype", default=None, choices=list(DTYPES),
                   help="weights and KV dtype; default bfloat16 for --checkpoint (what the official runs use; GPU), "
                        "float32 otherwise (the tiny twin, benchmark bundles)")
    e.add_argument("--revision", default=None)
    e.add_argument("--seed", type=int, default=1234)
    e.add_argument("--data", default="/work/shared/data", help="text for the tiny tokenizer")
    e.add_argument("--train-steps", type=int, default=0, help="tiny only: synthetic spotting training steps")
    e.add_argument("--train-minutes", type=float, default=0.0, help="tiny only: training time budget")
    e.add_argument("--check", action="store_true", help="run the self-check on the written bundle")
    g = sub.add_parser("generate", help="eager reference greedy decoding")
    g.add_argument("--bundle", required=True)
    g.add_argument("--image", required=True)
    g.add_argument("--task", required=True, choices=TASKS + ["ie_single"])
    g.add_argument("--lang", default=None, choices=["zh", "en"])
    g.add_argument("--max-new-tokens", type=int, default=None)
    g.add_argument("--scripted", action="store_true", help="run model.pt instead of the eager module")
    g.add_argument("--fields", nargs="*", default=None)
    g.add_argument("--key", default=None)
    g.add_argument("--language", default=None)
    g.add_argument("--question", default=None)
    p = sub.add_parser("preprocess", help="Pillow reference preprocessing")
    p.add_argument("--bundle", required=True)
    p.add_argument("--image", required=True)
    p.add_argument("--out-png")
    p.add_argument("--out-npy")
    gd = sub.add_parser("goldens", help="golden cases for the Java tests")
    gd.add_argument("--bundle", default=TINY_DIR)
    gd.add_argument("--data", default="/work/shared/data")
    gd.add_argument("--out", default=GOLDEN_DIR)
    dc = sub.add_parser("devicecheck", help="exported methods create tensors only on their inputs' device")
    dc.add_argument("--bundle", default=TINY_DIR)
    s = sub.add_parser("selftest", help="eager vs scripted, cache vs recompute, batch vs alone")
    s.add_argument("--bundle", required=True)
    s.add_argument("--image", default=None)
    a = ap.parse_args(argv)

    torch.set_num_threads(max(1, min(4, os.cpu_count() or 1)))
    if a.cmd == "export":
        t0 = time.time()
        print("attention: %s" % select_attention(a.attention))
        if a.dtype is None:
            a.dtype = "bfloat16" if a.checkpoint else "float32"
        if a.tiny:
            export_tiny(a.out, a.seed, a.data, a.revision, a.train_steps, a.train_minutes, a.dtype)
        elif a.random_real_decoder or a.random_real:
            export_random_real(a.out, a.seed, a.data, a.dtype, a.random_real, a.vision_layers, a.llm_layers)
        elif a.from_bundle:
            export_from_bundle(a.from_bundle, a.out)
        elif a.checkpoint:
            try:
                export_checkpoint(a.checkpoint, a.out, a.dtype, a.revision or "v1.0")
            except CheckpointError as e:
                print(str(e), file=sys.stderr)
                sys.exit(3)
        else:
            ap.error("export needs --tiny, --random-real-decoder, --random-real, --from-bundle or --checkpoint")
        sizes = {f: os.path.getsize(os.path.join(a.out, f)) for f in sorted(os.listdir(a.out))}
        print("wrote %s in %.1fs: %s" % (a.out, time.time() - t0, sizes))
        print("bundle sha256 (manifest.json): %s" % sha256_file(os.path.join(a.out, "manifest.json")))
        if a.check:
            print(json.dumps(selftest(a.out, None), indent=1))
    elif a.cmd == "devicecheck":
        r = device_check(a.bundle)
        print(json.dumps(r, indent=1))
        sys.exit(0 if r["ok"] else 1)
    elif a.cmd == "selftest":
        r = selftest(a.bundle, a.image)
        print(json.dumps(r, indent=1))
        sys.exit(0 if r["ok"] else 1)
    elif a.cmd == "preprocess":
        man = load_manifest(a.bundle)
        with Image.open(a.image) as im:
            resized, px, (gh, gw), (W, H) = preprocess_image(im, man["preprocessing"])
        if a.out_png:
            resized.save(a.out_png)
        if a.out_npy:
            np.save(a.out_npy, px)
        print(json.dumps({"original": [W, H], "resized": list(resized.size), "grid": [gh, gw],
                          "num_image_tokens": num_image_tokens(gh, gw), "pixel_values_shape": list(px.shape),
                          "pixel_values_sha256": pixels_sha256(px),
                          "first16": [float(x) for x in px.reshape(-1)[:16]]}, indent=1))
    elif a.cmd == "generate":
        man = load_manifest(a.bundle)
        tok = load_tokenizer(os.path.join(a.bundle, "tokenizer.json"))
        lang = a.lang or man["prompts"]["default_language"]
        if a.scripted:
            module = torch.jit.load(os.path.join(a.bundle, "model.pt"), map_location="cpu")
        else:
            module, _ = load_eager(a.bundle)
        inp = prepare_inputs(man, tok, a.image, a.task, lang, fields=a.fields, key=a.key, language=a.language,
                             question=a.question)
        max_new = a.max_new_tokens or man["generation"]["max_new_tokens"].get(a.task, 1024)
        t0 = time.time()
        run = greedy_runtime if a.scripted else greedy
        toks, finish, _ = run(module, man, inp["pixels"], inp["grid"], inp["ids"], inp["pos"], max_new)
        dt = time.time() - t0
        print("grid: %s  prompt tokens: %d  generated: %d  finish: %s  (%.2fs)"
              % (list(inp["grid"]), len(inp["ids"]), len(toks), finish, dt))
        print("ids:", toks)
        print("text:", tok.decode(toks, skip_special=False))
    elif a.cmd == "goldens":
        make_goldens(a.bundle, a.data, a.out, ["/usr/bin/python3", "model-loader/export/hunyuan_ocr.py"] + argv)


if __name__ == "__main__":
    main()
