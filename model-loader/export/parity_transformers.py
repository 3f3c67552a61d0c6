#!/usr/bin/env python3
"""HunyuanOCR 1.0 parity: transformers' own HunYuanVL against this project's reference and TorchScript bundle.

What it does (random weights, real pages):

 1. config checks: `read_real_config` (hunyuan_ocr.py) on synthetic checkpoint folders, one setting changed each
    (vision GELU tanh, bicubic position table, rope type, sections, token ids, norm type, LANCZOS resample, eps,
    a 1.5 nested config, a mixed 1.0/1.5 folder): each must be refused naming the key, or accepted with the value
    threaded through;
 2. a checkpoint folder in the layout of the HF `v1.0/` files: a flat 1.0 `config.json` with the real settings
    (`--layers N` cuts both towers to N layers, 0 = the real 27 / 24), `preprocessor_config.json`,
    `generation_config.json`, a `tokenizer.json` with the real special ids (the exporter's random-real tokenizer) and
    seeded random weights of transformers' own `HunYuanVLForConditionalGeneration`, renamed to the checkpoint's keys
    (`vit.*`, `model.*`, tied `lm_head.weight`), stored as two bfloat16 safetensors shards. transformers must load
    that folder back to the same tensors (its own checkpoint conversion);
 3. `hunyuan_ocr.py export --checkpoint` of that folder, per dtype (float32, bfloat16);
 4. per dtype and page: XD-RoPE position ids (transformers' get_rope_index vs ours), vision embeddings, prefill
    logits (last position) and N greedy tokens (default 64) of
      - transformers as the official 1.0 code computes (see OFFICIAL below: two methods patched),
      - transformers as installed ("stock"; informational, expected to differ on image tokens),
      - the exporter's eager reference (plain path), and
      - the TorchScript bundle driven as the Java runtime drives it (SlotRunner: static KV slot, chunked prefill,
        device-resident tokens / lengths).

OFFICIAL: what HunyuanOCR 1.0's own code does, and where transformers >= 5.13 differs (sources in FINDINGS):
  - XD-RoPE for image tokens: the 128 head dims are 8 chunks of 16 (`xdrope_section * 2`, a Python list repeated),
    chunk j on position axis j % 4, so both halves of a rotation pair (d, d + 64) use one axis. transformers 5.x
    doubles each section instead (4 chunks of 32): dims 0-31 axis p, 32-63 w, 64-95 h, 96-127 t, pairs mix axes.
  - ViT position table: bilinear with scale_factor ((gh + 0.1) / 128, (gw + 0.1) / 128); transformers 5.x passes
    size=(gh, gw), i.e. scale gh / 128: the same output size, other sampling points.
Text tokens (all four axes equal) are unaffected by the first point.

Tolerances (TOLERANCES): differences relative to the reference's largest magnitude; greedy tokens must be equal, or
diverge only where the reference's top-2 margin is within twice the logit difference seen so far (a near-tie that
rounding may break either way).

Usage (transformers >= 5.13 with HunYuanVL, torch >= 2):
    /tmp/venv-t2/bin/python model-loader/export/parity_transformers.py --layers 2 --json /tmp/parity.json
`--config-checks-only` stops after step 1 (any torch, seconds).
Exit codes: 0 every comparison within tolerance and every config check as expected; 1 a comparison beyond
tolerance or a config check not as expected; 2 setup error (the export failed, a page is missing...);
77 skipped: torch < 2 or no transformers with HunYuanVL (the JSON says why; config checks still ran).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import hunyuan_ocr as hy  # noqa: E402

SKIP = 77
DEFAULT_PAGES = ["tesseract-testing/phototest.tif", "pubtabnet/images/PMC2838834_005_00.png"]

TOLERANCES = {
    # relative = max |a - b| / max |reference|. bfloat16: measured 1.0-1.3 % with 2 layers and 1.0-1.6 % with 4 on
    # random weights (rounding grows with depth), so 4 % up to 4 layers, times sqrt(layers / 4) beyond (tolerance())
    "float32": {"vision_rel": 1e-4, "logits_rel": 1e-4, "step_logits_rel": 1e-4},
    "bfloat16": {"vision_rel": 4e-2, "logits_rel": 4e-2, "step_logits_rel": 4e-2},
}


def tolerance(dtype, layers):
    """The dtype's tolerances; bfloat16 ones scaled by sqrt(layers / 4) past 4 layers (layers 0 = the real 27)."""
    scale = 1.0 if dtype == "float32" else max(1.0, ((layers or 27) / 4.0) ** 0.5)
    return {k: v * scale for k, v in TOLERANCES[dtype].items()}

FINDINGS = {
    "xdrope_layout": {
        "official_1_0": "8 chunks of 16 dims (xdrope_section repeated as a list), chunk j on axis j % 4: dims 0-15 p, "
                        "16-31 w, 32-47 h, 48-63 t, again for 64-127; rotation pairs (d, d+64) on one axis",
        "module": "the same (hunyuan_ocr.py xdrope_tables: `list(section) * 2`, axis j % len(section))",
        "transformers_5": "4 chunks of 32 dims (each section doubled: [s * 2 for s in section]): dims 0-31 p, 32-63 w, "
                          "64-95 h, 96-127 t; pair (d, d+64) mixes p with h and w with t",
        "sources": [
            "transformers@82a06db03535c49aa987719ed0746a76093b1ec4 (the 1.0 README's pin; ManaEstras/transformers "
            "v4.57.1.hyvl) modeling_hunyuan_vl.py apply_rotary_pos_emb_xdrope: `xdrope_section = xdrope_section * 2` "
            "on the config's list, then `cos.split(xdrope_section)` and `m[:, :, i % x_dim, :]` (read in vendored "
            "copies of that file; the same file's HunYuanVisionPatchMerger is quoted from the commit URL on "
            "blog.omagiclee.com)",
            "vllm-project/vllm vllm/model_executor/layers/rotary_embedding/xdrope.py XDRotaryEmbedding: "
            "`cos.split(self.xdrope_section)` of the half-width (64) cos/sin cache, chunk i from axis i, applied "
            "neox-style to both halves: identical to the list repetition",
            "huggingface/transformers main (5.13+, the installed 5.17) modeling_hunyuan_vl.py "
            "HunYuanVLRotaryEmbedding.recomposition_frequencies: `split_sizes = [section * 2 for section in "
            "self.mrope_section]` (earlier main revisions: `[int(section) * 2 for section in xdrope_section]` in "
            "apply_multimodal_rotary_pos_emb / _apply_rotary_pos_emb_xdrope)",
        ],
    },
    "vit_position_interpolation": {
        "official_1_0": "F.interpolate(table, scale_factor=((gh + 0.1) / 128, (gw + 0.1) / 128), mode='bilinear', "
                        "align_corners=False): output gh x gw, source coordinate (i + 0.5) * 128 / (gh + 0.1) - 0.5",
        "module": "the same (VisionEmbeddings: aten upsample_bilinear2d with the scale factors)",
        "transformers_5": "F.interpolate(table, size=(gh, gw), ...): source coordinate (i + 0.5) * 128 / gh - 0.5",
        "sources": [
            "transformers@82a06db modeling_hunyuan_vl.py HunYuanVisionPatchEmbed.forward: `h0, w0 = h0 + 0.1, "
            "w0 + 0.1` ... `scale_factor=((h0 / self.position_edge).item(), (w0 / self.position_edge).item())`",
            "vllm-project/vllm vllm/model_executor/models/hunyuan_vision.py HunYuanVisionPatchEmbed.forward: the same",
            "huggingface/transformers main modeling_hunyuan_vl.py HunYuanVLVisionPatchEmbed.interpolate_pos_encoding: "
            "`size=(height, width)`",
        ],
    },
    "rope_rounding_bf16": {
        "note": "not patched, measured only: official 1.0 prefill rotates in float32 with cos/sin rounded to the model "
                "dtype and decode steps in the model dtype; transformers 5.x rotates in float32 (cos/sin rounded) in "
                "both; the bundle rounds cos/sin to bfloat16 and rotates in bfloat16 in both",
    },
}


# ---------------------------------------------------------------------------------------------------------------
# report
# ---------------------------------------------------------------------------------------------------------------

class Report:
    def __init__(self, path):
        self.path = path
        self.d = {"tool": "model-loader/export/parity_transformers.py", "status": "running",
                  "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "failures": [], "findings": FINDINGS,
                  "tolerances": TOLERANCES}
        self.save()

    def fail(self, what):
        self.d["failures"].append(what)
        print("FAIL: " + what, flush=True)

    def save(self):
        if not self.path:
            return
        os.makedirs(os.path.dirname(os.path.abspath(self.path)), exist_ok=True)
        tmp = self.path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(self.d, f, indent=1, ensure_ascii=False, default=str)
            f.write("\n")
        os.replace(tmp, self.path)


def sig(v, digits=4):
    return float("%.*g" % (digits, v)) if v is not None else None


# ---------------------------------------------------------------------------------------------------------------
# the checkpoint folder (HF v1.0/ layout)
# ---------------------------------------------------------------------------------------------------------------

def real_config(layers):
    """A flat 1.0 config.json with the real settings. The key set follows the 1.0 file as third-party loaders read
    it (jhqxxx/aha HunYuanVLConfig: every field required); values are the documented ones (hunyuanocr.md §5). Keys
    the reference ignores (pad / sep / text ids, initializer_range, ...) carry plausible values: the exporter and
    transformers must not depend on them."""
    v = hy.REAL_VISION
    t = hy.REAL_LLM
    return {
        "architectures": ["HunYuanVLForConditionalGeneration"],
        "model_type": "hunyuan_vl",
        "attention_bias": False, "attention_dropout": 0.0, "attention_head_dim": t["head_dim"],
        "bos_token_id": 120000, "eod_token_id": 120020, "eos_token_id": 120007, "head_dim": t["head_dim"],
        "hidden_act": "silu", "hidden_size": t["hidden_size"],
        "image_start_token_id": 120118, "image_end_token_id": 120119, "image_token_id": 120120,
        "image_newline_token_id": 120121, "initializer_range": 0.02, "intermediate_size": t["intermediate_size"],
        "max_position_embeddings": t["max_position_embeddings"], "mlp_bias": False, "norm_type": "hf_rms",
        "num_attention_heads": t["num_heads"], "num_experts": 1,
        "num_hidden_layers": layers or t["num_layers"], "num_key_value_heads": t["num_kv_heads"],
        "org_vocab_size": t["vocab_size"], "pad_id": 120002, "pad_token_id": 120002, "pretraining_tp": 1,
        "rms_norm_eps": 1e-5,
        "rope_scaling": {"alpha": 1000.0, "beta_fast": 32, "beta_slow": 1, "factor": 1.0, "mscale": 1.0,
                         "mscale_all_dim": 1.0, "type": "xdrope", "xdrope_section": list(t["xdrope_section"])},
        "rope_theta": t["rope_theta"], "routed_scaling_factor": 1.0, "sep_token_id": 120007,
        "text_end_id": 120009, "text_start_id": 120008, "tie_word_embeddings": True, "dtype": "bfloat16",
        "use_cache": True, "use_qk_norm": True, "use_cla": False, "vocab_size": t["vocab_size"],
        "vision_config": {
            "add_patchemb_bias": True, "attention_dropout": 0.0, "cat_extra_token": 1, "hidden_act": "gelu",
            "hidden_dropout": 0.0, "hidden_size": v["hidden_size"], "img_max_token_num": 4096,
            "intermediate_size": v["intermediate_size"], "interpolate_mode": "bilinear", "max_image_size": 2048,
            "max_vit_seq_len": 16384, "num_attention_heads": v["num_heads"], "num_channels": 3,
            "num_hidden_layers": layers or v["num_layers"], "out_hidden_size": t["hidden_size"],
            "patch_size": v["patch_size"], "rms_norm_eps": 1e-5, "spatial_merge_size": 2,
        },
    }


PREPROCESSOR = {
    "min_pixels": 262144, "max_pixels": 4194304, "patch_size": 16, "temporal_patch_size": 1, "merge_size": 2,
    "image_mean": [0.48145466, 0.4578275, 0.40821073], "image_std": [0.26862954, 0.26130258, 0.27577711],
    "resample": 3, "rescale_factor": 0.00392156862745098, "do_resize": True, "do_rescale": True,
    "do_normalize": True, "do_convert_rgb": True, "image_processor_type": "HunYuanVLImageProcessor",
}
GENERATION = {"bos_token_id": 120000, "pad_token_id": 120002, "eos_token_id": [120007, 120020], "do_sample": False,
              "repetition_penalty": 1.0}
REAL_IDS = {"bos": 120000, "user": 120006, "eos0": 120007, "eos1": 120020, "system_sep": 120021,
            "image_start": 120118, "image_end": 120119, "image_token": 120120, "image_newline": 120121,
            "quad": 120128, "quad_end": 120129, "ref": 120130, "ref_end": 120131, "pfig": 120132, "pfig_end": 120133}

_TOKENIZER_CACHE = {}


def tokenizer_bytes(data_dir):
    """The exporter's random-real tokenizer: byte-level BPE learned from the task prompts and the data's texts, padded
    to 120,818 entries with the special tokens at their real ids."""
    if data_dir not in _TOKENIZER_CACHE:
        merges = hy.train_bpe(hy.tokenizer_corpus(data_dir), 400)
        strings = dict(hy.SPECIAL_STRINGS)
        tj, _ = hy.build_tokenizer_json(merges, {strings[k]: i for k, i in REAL_IDS.items()},
                                        hy.REAL_LLM["vocab_size"])
        _TOKENIZER_CACHE[data_dir] = json.dumps(tj, ensure_ascii=False).encode("utf-8")
    return _TOKENIZER_CACHE[data_dir]


def synthetic_page(path, index):
    """A stand-in page (Pillow's built-in font, lines of text) for machines without /work/shared/data."""
    from PIL import Image, ImageDraw
    img = Image.new("RGB", (800, 600), "white")
    draw = ImageDraw.Draw(img)
    for i in range(18):
        draw.text((40, 30 + 30 * i), "Scriptorium parity page %d, line %d: The quick brown fox 0123456789" % (index, i),
                  fill=(0, 0, 0))
    img.save(path)
    return path


def write_json(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=2, ensure_ascii=False)
        f.write("\n")


def write_config_folder(d, cfg, data_dir, preprocessor=PREPROCESSOR, generation=GENERATION, extra_files=()):
    os.makedirs(d, exist_ok=True)
    write_json(os.path.join(d, "config.json"), cfg)
    if preprocessor is not None:
        write_json(os.path.join(d, "preprocessor_config.json"), preprocessor)
    if generation is not None:
        write_json(os.path.join(d, "generation_config.json"), generation)
    with open(os.path.join(d, "tokenizer.json"), "wb") as f:
        f.write(tokenizer_bytes(data_dir))
    for name in extra_files:
        p = os.path.join(d, name)
        if name.endswith("/"):
            os.makedirs(p, exist_ok=True)
        else:
            with open(p, "w", encoding="utf-8") as f:
                f.write("{}\n" if name.endswith(".json") else "\n")


def init_random(model, seed):
    """Seeded weights, categories by the checkpoint's names. Not transformers' init: its 0.02 normal makes logits
    nearly flat (greedy decoding would test ties). Fan-in scaled matrices alone make the LLM's attention output,
    dominated by the ~300 image tokens, swamp the current token: every step then picks the same token. The LLM's
    attention output projection is therefore scaled by 0.05 and the tied embedding drawn with std 0.02: greedy
    decoding walks through distinct tokens, and the prefill logits still move by ~10 % when the XD-RoPE layout of
    the image tokens changes (measured on phototest.tif with 2 layers)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            key = hy.checkpoint_key(name)
            if key.endswith("bias"):
                v = torch.randn(p.shape, generator=g) * 0.02
            elif "layernorm" in key or "rms" in key or key.endswith("norm.weight"):
                v = 1.0 + torch.randn(p.shape, generator=g) * 0.05
            elif "embed_tokens" in key:
                v = torch.randn(p.shape, generator=g) * 0.02
            elif "position_embedding" in key:
                v = torch.randn(p.shape, generator=g) * 0.5
            elif p.dim() == 1:  # image_newline / begin / end / sep
                v = torch.randn(p.shape, generator=g) * (p.numel() ** -0.5) * 4
            else:
                v = torch.randn(p.shape, generator=g) * (p[0].numel() ** -0.5)
                if key.startswith("model.layers.") and key.endswith("self_attn.o_proj.weight"):
                    v = v * 0.05
            p.copy_(v.to(p.dtype))


def build_checkpoint(rep, tf, d, layers, seed, data_dir):
    """Writes the checkpoint folder and checks that transformers reads it back to the same tensors."""
    cfg = real_config(layers)
    write_config_folder(d, cfg, data_dir)
    t0 = time.time()
    hf_cfg = tf.HunYuanVLConfig.from_pretrained(d)
    torch.manual_seed(seed)
    model = tf.HunYuanVLForConditionalGeneration(hf_cfg)
    init_random(model, seed)
    sd = model.state_dict()
    mapped, seen = {}, {}
    for name, t in sd.items():
        key = hy.checkpoint_key(name)
        if key in mapped:
            raise RuntimeError("transformers names %s and %s both map to %s" % (seen[key], name, key))
        mapped[key] = t.detach().to(torch.bfloat16).contiguous()
        seen[key] = name
    del model, sd
    shards = {"model-00001-of-00002.safetensors": {k: v for k, v in mapped.items() if k.startswith("vit.")},
              "model-00002-of-00002.safetensors": {k: v for k, v in mapped.items() if not k.startswith("vit.")}}
    index = {"metadata": {"total_size": sum(v.numel() * 2 for v in mapped.values())}, "weight_map": {}}
    for fn, part in shards.items():
        hy.write_safetensors(os.path.join(d, fn), part)
        index["weight_map"].update({k: fn for k in part})
    write_json(os.path.join(d, "model.safetensors.index.json"), index)
    info = dict(folder=d, config=cfg, seconds_to_build=round(time.time() - t0, 1), tensors=len(mapped),
                parameters=sum(v.numel() for k, v in mapped.items() if k != "lm_head.weight"),
                key_map_sample={seen[k]: k for k in mapped if k in (
                    "vit.layers.0.input_layernorm.weight", "vit.layers.0.mlp.dense_h_to_4h.weight",
                    "vit.perceive.proj.0.weight", "vit.perceive.proj.2.weight", "vit.perceive.image_newline",
                    "model.layers.0.self_attn.query_layernorm.weight", "lm_head.weight")})
    # transformers reads the folder (its checkpoint conversion vit.* / model.* -> its own names)
    back, load_info = tf.HunYuanVLForConditionalGeneration.from_pretrained(d, dtype=torch.float32,
                                                                           output_loading_info=True)
    worst, missing = 0.0, []
    bsd = back.state_dict()
    for name, t in bsd.items():
        key = hy.checkpoint_key(name)
        if key not in mapped:
            missing.append(name)
            continue
        worst = max(worst, float((t.float() - mapped[key].float()).abs().max()))
    info["transformers_reload"] = dict(
        max_abs_diff=worst, names_not_in_checkpoint=missing[:10],
        loading_info={k: sorted(v)[:10] if isinstance(v, (list, set)) else str(v)[:200]
                      for k, v in (load_info or {}).items()})
    ok = worst == 0.0 and not missing and not any(load_info.get(k) for k in ("missing_keys", "unexpected_keys",
                                                                              "mismatched_keys"))
    info["transformers_reads_checkpoint_layout"] = ok
    if not ok:
        rep.fail("transformers did not read the checkpoint folder back unchanged: %s" % info["transformers_reload"])
    del back, bsd
    return info


# ---------------------------------------------------------------------------------------------------------------
# config checks (task A / B): read_real_config on synthetic folders, no weights needed
# ---------------------------------------------------------------------------------------------------------------

def config_cases():
    def base():
        return real_config(2)

    def with_(fn, **kw):
        c = base()
        fn(c)
        return dict(cfg=c, **kw)

    cases = {
        "real_1_0": dict(cfg=base(), expect="accepted"),
        "vision_gelu_tanh": with_(lambda c: c["vision_config"].update(hidden_act="gelu_pytorch_tanh"),
                                  expect="refused", key="vision_config.hidden_act"),
        "llm_gelu": with_(lambda c: c.update(hidden_act="gelu"), expect="refused", key="hidden_act"),
        "interpolate_bicubic": with_(lambda c: c["vision_config"].update(interpolate_mode="bicubic"),
                                     expect="refused", key="interpolate_mode"),
        "rope_default": with_(lambda c: c["rope_scaling"].update(type="default"), expect="refused", key="type"),
        "rope_no_alpha": with_(lambda c: c["rope_scaling"].pop("alpha"), expect="refused", key="alpha"),
        "xdrope_two_sections": with_(lambda c: c["rope_scaling"].update(xdrope_section=[32, 32]),
                                     expect="refused", key="xdrope_section"),
        "rope_theta_conflict": with_(lambda c: c["rope_scaling"].update(rope_theta=5e5), expect="refused",
                                     key="rope_theta"),
        "image_token_id_wrong": with_(lambda c: c.update(image_token_id=5), expect="refused", key="image_token_id"),
        "head_dim_alias_conflict": with_(lambda c: c.update(attention_head_dim=64), expect="refused",
                                         key="head_dim/attention_head_dim"),
        "norm_type_layernorm": with_(lambda c: c.update(norm_type="fused"), expect="refused", key="norm_type"),
        "qk_norm_off": with_(lambda c: c.update(use_qk_norm=False), expect="refused", key="use_qk_norm"),
        "moe": with_(lambda c: c.update(num_experts=8), expect="refused", key="num_experts"),
        "llm_vision_full_attention": with_(lambda c: c.update(vision_full_attention=True), expect="refused",
                                           key="vision_full_attention"),
        "vit_vision_full_attention": with_(lambda c: c["vision_config"].update(vision_full_attention=True),
                                           expect="accepted"),
        "merge_size_4": with_(lambda c: c["vision_config"].update(spatial_merge_size=4), expect="refused",
                              key="spatial_merge_size"),
        "eps_1e-6": with_(lambda c: (c.update(rms_norm_eps=1e-6), c["vision_config"].update(rms_norm_eps=1e-6)),
                          expect="accepted", eps=1e-6),
        "resample_lanczos": dict(cfg=base(), preprocessor=dict(PREPROCESSOR, resample=1), expect="refused",
                                 key="resample"),
        "no_rescale": dict(cfg=base(), preprocessor=dict(PREPROCESSOR, do_rescale=False), expect="refused",
                           key="do_rescale"),
        "mixed_1_0_with_chat_template": dict(cfg=base(), extra=("chat_template.jinja",), expect="refused",
                                             key="chat_template.jinja"),
    }
    # HunyuanOCR-1.5's nested layout (values of the 1.5 config as third-party loaders test it, e.g. mistral.rs'
    # HUNYUAN_OCR_1_5 fixture) with its processor_config.json (max_pixels 4096^2, resample 1) and release files
    t = hy.REAL_LLM
    c15 = {"architectures": ["HunYuanVLForConditionalGeneration"], "model_type": "hunyuan_vl",
           "tie_word_embeddings": True, "image_token_id": 120120, "image_start_token_id": 120118,
           "image_end_token_id": 120119, "image_newline_token_id": 120121,
           "text_config": {"model_type": "hunyuan_vl_text", "attention_bias": False, "head_dim": 128,
                           "hidden_act": "silu", "hidden_size": 1024, "intermediate_size": 3584,
                           "max_position_embeddings": 131072, "num_attention_heads": 16, "num_hidden_layers": 2,
                           "num_key_value_heads": 8, "rms_norm_eps": 1e-5, "tie_word_embeddings": True,
                           "vocab_size": t["vocab_size"],
                           "rope_parameters": {"alpha": 1000.0, "rope_theta": 10000.0, "rope_type": "xdrope",
                                               "type": "xdrope", "xdrope_section": [16, 16, 16, 16]}},
           "vision_config": {"model_type": "hunyuan_vl_vision", "hidden_act": "gelu", "hidden_size": 1152,
                             "intermediate_size": 4304, "max_image_size": 2048, "min_image_size": 512,
                             "img_max_token_num": 16384, "max_vit_seq_len": 65536, "temporal_patch_size": 1,
                             "num_attention_heads": 16, "num_key_value_heads": 16, "num_channels": 3,
                             "num_hidden_layers": 2, "out_hidden_size": 1024, "patch_size": 16, "rms_norm_eps": 1e-5,
                             "spatial_merge_size": 2, "text_hidden_size": 1024}}
    cases["release_1_5"] = dict(cfg=c15, preprocessor=None,
                                processor={"image_processor": dict(PREPROCESSOR, max_pixels=16777216, resample=1,
                                                                   size={"longest_edge": 16777216,
                                                                         "shortest_edge": 262144})},
                                extra=("chat_template.jinja", "dflash/"), expect="refused",
                                key="release 1.5")
    return cases


def run_config_checks(rep, work, data_dir):
    results = []
    for name, case in config_cases().items():
        d = os.path.join(work, "config-" + name)
        shutil.rmtree(d, ignore_errors=True)
        write_config_folder(d, case["cfg"], data_dir, preprocessor=case.get("preprocessor", PREPROCESSOR),
                            extra_files=case.get("extra", ()))
        if case.get("processor") is not None:
            write_json(os.path.join(d, "processor_config.json"), case["processor"])
        r = dict(case=name, expect=case["expect"])
        try:
            spec = hy.read_real_config(d)
            r["got"] = "accepted"
            r["release"] = spec["release"]
            if "eps" in case:
                model = hy.HunyuanOCR(dict(spec["vision"], num_layers=1), dict(spec["llm"], num_layers=1),
                                      spec["special_ids"]["image_token"])
                got = dict(llm_norm=model.model.norm.eps, qk_norm=model.model.layers[0].self_attn.query_layernorm.eps,
                           vit_layernorm=model.vit.layers[0].input_layernorm.eps,
                           merger_rms=model.vit.perceive.before_rms.eps)
                r["eps_in_module"] = got
                r["eps_threaded"] = all(abs(v - case["eps"]) < 1e-12 for v in got.values())
            ok = case["expect"] == "accepted" and r.get("eps_threaded", True)
        except hy.CheckpointError as e:
            msg = str(e)
            r["got"] = "refused"
            r["message"] = msg[:1200]
            ok = case["expect"] == "refused" and case["key"] in msg
            if case["expect"] == "refused" and case["key"] not in msg:
                r["why_not_ok"] = "the message does not name %r" % case["key"]
        r["ok"] = bool(ok)
        if not ok:
            rep.fail("config check %s: expected %s, got %s" % (name, case["expect"], r["got"]))
        results.append(r)
        shutil.rmtree(d, ignore_errors=True)
    rep.d["config_checks"] = results
    rep.save()
    return all(r["ok"] for r in results)


# ---------------------------------------------------------------------------------------------------------------
# transformers: official behaviour (two methods) and layout fingerprints
# ---------------------------------------------------------------------------------------------------------------

def official_recomposition(self, freq):
    """freq [axes, B, T, D/2] per position axis -> [B, T, D]: cat(freq, freq) split into len(section) * 2 chunks of
    the section sizes (the 1.0 code's `xdrope_section * 2`, a list repeated), chunk j taken from axis j % axes."""
    freq = torch.cat((freq, freq), dim=-1)
    sizes = [int(s) for s in self.mrope_section] * 2
    n = len(self.mrope_section)
    return torch.cat([m[i % n] for i, m in enumerate(freq.split(sizes, dim=-1))], dim=-1)


def official_interpolate(self, embeddings, height, width):
    """The 1.0 code's position table: bilinear with scale_factor ((h + 0.1) / edge, (w + 0.1) / edge)."""
    height, width = int(height), int(width)
    table = self.position_embedding.weight[1:, :].reshape(1, self.position_edge, self.position_edge, self.embed_dim)
    table = table.permute(0, 3, 1, 2).float()
    pos = F.interpolate(table, scale_factor=((height + 0.1) / self.position_edge, (width + 0.1) / self.position_edge),
                        mode=self.config.interpolate_mode, align_corners=False)
    return pos.permute(0, 2, 3, 1).reshape(1, -1, self.embed_dim).to(embeddings.dtype)


class Official:
    """Context manager: transformers' HunYuanVL computes as the official 1.0 code while inside."""

    def __init__(self, mod, on=True):
        self.mod, self.on, self.saved = mod, on, []

    def __enter__(self):
        if self.on:
            for cls, attr, fn in ((self.mod.HunYuanVLRotaryEmbedding, "recomposition_frequencies",
                                   official_recomposition),
                                  (self.mod.HunYuanVLVisionPatchEmbed, "interpolate_pos_encoding",
                                   official_interpolate)):
                self.saved.append((cls, attr, getattr(cls, attr)))
                setattr(cls, attr, fn)
        return self

    def __exit__(self, *exc):
        for cls, attr, fn in reversed(self.saved):
            setattr(cls, attr, fn)
        self.saved = []


def runs(axes):
    out, cur, n = [], None, 0
    for a in axes:
        if a == cur:
            n += 1
        else:
            if cur is not None:
                out.append("%s%d" % ("pwht"[cur], n))
            cur, n = a, 1
    out.append("%s%d" % ("pwht"[cur], n))
    return " ".join(out)


def layout_summary(axes, head_dim):
    half = head_dim // 2
    return dict(chunks=runs(axes), pairs_on_one_axis=all(axes[d] == axes[d + half] for d in range(half)))


def transformers_layout(mod, model, official):
    """Which position axis each head dim uses in transformers' rotary embedding: one token whose four axes carry
    distinct positions; dim d's cos is matched against cos(P_axis * inv_freq[d mod D/2]) of each axis."""
    rot = model.model.language_model.rotary_emb
    D = model.config.text_config.head_dim
    P = torch.tensor([10007.0, 20011.0, 30011.0, 40009.0], dtype=torch.float64)
    dev = rot.inv_freq.device
    pos = P.to(torch.long).view(4, 1, 1).to(dev)
    with torch.no_grad(), Official(mod, official):
        cos, _ = rot(torch.zeros(1, 1, D, device=dev), pos)
    cos = cos.reshape(-1).double().cpu()
    inv = rot.inv_freq.double().cpu()
    axes = []
    for d in range(D):
        cand = torch.cos(P * inv[d % (D // 2)].item())
        axes.append(int((cand - cos[d]).abs().argmin()))
    return layout_summary(axes, D)


# ---------------------------------------------------------------------------------------------------------------
# the three implementations
# ---------------------------------------------------------------------------------------------------------------

def stop_set(man):
    return list(man["generation"]["stop_ids"])


def eager_run(m, man, px, grid, ids, pos, n, dev):
    stops = set(stop_set(man))
    S = len(ids)
    with torch.no_grad():
        img = m.vision_encode(hy.grid_pixels(px, grid).to(dev))
        emb = m.prefill_embeds(torch.tensor([ids], device=dev), img)
        k, v = m.plain_cache(1, dev)
        logits, k, v = m.plain_step(emb, torch.from_numpy(pos).unsqueeze(0).to(dev),
                                    torch.ones(1, S, dtype=torch.long, device=dev), k, v)
        steps, toks = [logits[0].float().cpu()], []
        for i in range(n):
            nxt = int(torch.argmax(logits[0]))
            if nxt in stops:
                break
            toks.append(nxt)
            if i == n - 1:
                break
            e = m.model.embed_tokens(torch.tensor([[nxt]], device=dev))
            logits, k, v = m.plain_step(e, torch.full((1, 4, 1), S + i, dtype=torch.long, device=dev),
                                        torch.ones(1, S + i + 1, dtype=torch.long, device=dev), k, v)
            steps.append(logits[0].float().cpu())
    return img.float().cpu(), steps[0], toks, steps


def runtime_run(sm, man, px, grid, ids, pos, n, dev, chunk):
    """The bundle's methods driven as the Java scheduler drives them (hunyuan_ocr.SlotRunner)."""
    stops = set(stop_set(man))
    S = len(ids)
    with torch.no_grad():
        img = sm.vision_encode(hy.grid_pixels(px, grid).to(dev))
        emb = sm.prefill_embeds(torch.tensor([ids], device=dev), img)
        run = hy.SlotRunner(sm, man, 1, S + n + 1, chunk, device=dev)
        nxt, logits = run.prefill(0, emb, pos)
        steps, toks = [logits[0].float().cpu()], []
        tokens = torch.tensor([nxt], device=dev)
        lengths = torch.tensor([S], device=dev)
        for i in range(n):
            if nxt in stops:
                break
            toks.append(nxt)
            if i == n - 1:
                break
            tokens, logits, lengths = run.decode(tokens, lengths, S + i + 1)
            steps.append(logits[0].float().cpu())
            nxt = int(tokens[0])
    return img.float().cpu(), steps[0], toks, steps


def hf_inputs(ids, px, grid, image_token, dev):
    gh, gw = grid
    input_ids = torch.tensor([ids], device=dev)
    return dict(input_ids=input_ids, attention_mask=torch.ones_like(input_ids),
                pixel_values=torch.from_numpy(px).to(dev), image_grid_thw=torch.tensor([[1, gh, gw]], device=dev),
                mm_token_type_ids=(input_ids == image_token).to(torch.int32))


def hf_run(mod, model, man, px, grid, ids, n, dev, official):
    stops = stop_set(man)
    inp = hf_inputs(ids, px, grid, man["special_tokens"]["image_token"], dev)
    with torch.no_grad(), Official(mod, official):
        pos, _ = model.model.get_rope_index(inp["input_ids"], inp["mm_token_type_ids"], inp["image_grid_thw"],
                                            inp["attention_mask"])
        img = model.model.get_image_features(inp["pixel_values"], inp["image_grid_thw"]).pooler_output
        prefill = model(**inp, logits_to_keep=1).logits[0, -1].float().cpu()
        out = model.generate(**inp, max_new_tokens=n, do_sample=False, num_beams=1, eos_token_id=stops,
                             pad_token_id=stops[0], output_logits=True, return_dict_in_generate=True,
                             repetition_penalty=1.0)
    gen = out.sequences[0, len(ids):].tolist()
    steps = [s[0].float().cpu() for s in out.logits]
    toks = []
    for t in gen:
        if t in stops:
            break
        toks.append(t)
    return pos[:, 0].cpu().numpy(), img.reshape(-1, img.size(-1)).float().cpu(), prefill, toks, steps


def rel_diff(a, b, ref):
    scale = float(ref.abs().max()) or 1.0
    d = float((a - b).abs().max())
    return dict(max_abs=sig(d), ref_max_abs=sig(scale), rel=sig(d / scale))


def compare_greedy(toks_a, steps_a, toks_b, steps_b, judge=True):
    """b is the reference. Logits are compared up to and including the first divergence (before it both sides had
    the same inputs); a divergence is a near-tie when the reference's top-2 margin there is within twice the largest
    logit difference seen."""
    n = min(len(toks_a), len(toks_b))
    first = next((i for i in range(n) if toks_a[i] != toks_b[i]), None)
    if first is None and len(toks_a) != len(toks_b):
        first = n
    upto = min(len(steps_a), len(steps_b), n + 1 if first is None else first + 1)
    worst, scale = 0.0, 0.0
    for i in range(upto):
        worst = max(worst, float((steps_a[i] - steps_b[i]).abs().max()))
        scale = max(scale, float(steps_b[i].abs().max()))
    r = dict(tokens_a=len(toks_a), tokens_b=len(toks_b), equal=first is None, first_divergence=first,
             steps_compared=upto, max_abs_logit_diff=sig(worst), rel_logit_diff=sig(worst / (scale or 1.0)))
    if judge and first is not None and first < len(steps_b):
        t2 = steps_b[first].topk(2).values
        margin = float(t2[0] - t2[1])
        r["reference_top2_margin_at_divergence"] = sig(margin)
        r["near_tie"] = margin <= 2 * worst
    return r


# ---------------------------------------------------------------------------------------------------------------
# main flow
# ---------------------------------------------------------------------------------------------------------------

def transformers_status():
    if int(torch.__version__.split(".")[0]) < 2:
        return None, "torch %s < 2: transformers with HunYuanVL needs torch 2" % torch.__version__
    try:
        import transformers as tf
    except Exception as e:  # noqa: BLE001
        return None, "transformers does not import: %s: %s" % (type(e).__name__, str(e).splitlines()[0][:200])
    if not hasattr(tf, "HunYuanVLForConditionalGeneration"):
        return None, "transformers %s has no HunYuanVLForConditionalGeneration (added in 5.13)" % tf.__version__
    return tf, None


def export_bundle(rep, python, ckpt, out, dtype, seed):
    cmd = [python, os.path.join(HERE, "hunyuan_ocr.py"), "export", "--checkpoint", ckpt, "--out", out, "--dtype",
           dtype, "--revision", "parity-%d" % seed]
    t0 = time.time()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    rec = dict(command=" ".join(cmd), rc=p.returncode, seconds=round(time.time() - t0, 1),
               output_tail=p.stdout[-3000:])
    if p.returncode != 0:
        raise RuntimeError("export failed (rc %d):\n%s" % (p.returncode, p.stdout[-3000:]))
    return rec


def check(rep, run, name, value, limit):
    ok = value is not None and value <= limit
    run.setdefault("checks", {})[name] = dict(value=value, limit=limit, ok=ok)
    if not ok:
        rep.fail("%s %s: %s = %s > %s" % (run["dtype"], run["page"], name, value, limit))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", default=None, help="report file (default <work>/parity-transformers.json)")
    ap.add_argument("--work", default=None, help="working folder (checkpoint, bundles); default a temporary one")
    ap.add_argument("--layers", type=int, default=2, help="layers of each tower; 0 = the real 27 / 24")
    ap.add_argument("--tokens", type=int, default=64, help="greedy tokens")
    ap.add_argument("--dtypes", default="float32,bfloat16")
    ap.add_argument("--data", default="/work/shared/data")
    ap.add_argument("--pages", default=",".join(DEFAULT_PAGES), help="comma-separated, relative to --data")
    ap.add_argument("--allow-synthetic", action="store_true",
                    help="a missing page is replaced by a drawn 800x600 text page (recorded as such)")
    ap.add_argument("--task", default="spotting")
    ap.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--chunk", type=int, default=128, help="prefill_chunk tokens of the runtime path")
    ap.add_argument("--export-python", default=sys.executable, help="interpreter for hunyuan_ocr.py export")
    ap.add_argument("--keep", action="store_true", help="keep the working folder")
    ap.add_argument("--config-checks-only", action="store_true",
                    help="only step 1 (seconds, any torch): device-check.sh --smoke runs this")
    a = ap.parse_args(argv)

    work = a.work or tempfile.mkdtemp(prefix="scriptorium-parity-")
    os.makedirs(work, exist_ok=True)
    rep = Report(a.json or os.path.join(work, "parity-transformers.json"))
    dev = torch.device("cuda" if a.device == "cuda" or (a.device == "auto" and torch.cuda.is_available()) else "cpu")
    rep.d["settings"] = dict(layers=a.layers or "real", tokens=a.tokens, dtypes=a.dtypes, pages=a.pages,
                             task=a.task, device=str(dev), seed=a.seed, chunk=a.chunk, work=work)
    rep.d["versions"] = dict(python=sys.version.split()[0], torch=torch.__version__)
    torch.set_num_threads(max(1, min(16, os.cpu_count() or 1)))
    t_start = time.time()
    rc = 0
    try:
        print("config checks ...", flush=True)
        cfg_ok = run_config_checks(rep, work, a.data)
        if a.config_checks_only:
            rep.d["status"] = "ok" if cfg_ok else "fail"
            rep.d["why"] = "--config-checks-only: no checkpoint, export or comparison"
            return 0 if cfg_ok else 1
        tf, why = transformers_status()
        if tf is None:
            rep.d["status"] = "skipped"
            rep.d["why"] = why
            print("skipped: " + why, flush=True)
            return SKIP if cfg_ok else 1
        mod = sys.modules[tf.HunYuanVLForConditionalGeneration.__module__]
        rep.d["versions"]["transformers"] = tf.__version__
        for name in ("recomposition_frequencies",):
            if not hasattr(mod.HunYuanVLRotaryEmbedding, name):
                raise RuntimeError("transformers %s: HunYuanVLRotaryEmbedding has no %s; the official-behaviour patch "
                                   "targets the 5.13-5.17 structure" % (tf.__version__, name))
        if not hasattr(mod.HunYuanVLVisionPatchEmbed, "interpolate_pos_encoding"):
            raise RuntimeError("transformers %s: HunYuanVLVisionPatchEmbed has no interpolate_pos_encoding"
                               % tf.__version__)
        pages = [os.path.join(a.data, p) for p in a.pages.split(",") if p]
        for i, p in enumerate(pages):
            if not os.path.exists(p):
                if not a.allow_synthetic:
                    raise FileNotFoundError("%s (--data %s; --allow-synthetic draws a stand-in)" % (p, a.data))
                pages[i] = synthetic_page(os.path.join(work, "synthetic-page-%d.png" % i), i)
                rep.d.setdefault("synthetic_pages", []).append(dict(missing=p, drawn=pages[i]))

        print("checkpoint folder (layers %s) ..." % (a.layers or "real"), flush=True)
        ckpt = os.path.join(work, "checkpoint")
        shutil.rmtree(ckpt, ignore_errors=True)
        rep.d["checkpoint"] = build_checkpoint(rep, tf, ckpt, a.layers, a.seed, a.data)
        rep.save()

        rep.d["runs"] = []
        for dtype in a.dtypes.split(","):
            tol = tolerance(dtype, a.layers)
            rep.d.setdefault("tolerances_applied", {})[dtype] = tol
            tdt = hy.DTYPES[dtype]
            bundle = os.path.join(work, "bundle-" + dtype)
            shutil.rmtree(bundle, ignore_errors=True)
            print("export %s ..." % dtype, flush=True)
            exp = export_bundle(rep, a.export_python, ckpt, bundle, dtype, a.seed)
            man = hy.load_manifest(bundle)
            exp["manifest"] = dict(release=man.get("release"), dtype=man["dtype"], runtime=man.get("runtime"),
                                   stop_ids=man["generation"]["stop_ids"],
                                   eps=[man["architecture"]["vision"].get("eps"), man["architecture"]["llm"].get("eps")],
                                   notes=man.get("source", {}).get("notes"))
            rep.d.setdefault("exports", {})[dtype] = exp
            if man.get("release") != "1.0":
                rep.fail("%s: manifest release %r, expected \"1.0\"" % (dtype, man.get("release")))
            tok = hy.load_tokenizer(os.path.join(bundle, "tokenizer.json"))
            eager, _ = hy.load_eager(bundle)
            eager.to(dev)
            sm = torch.jit.load(os.path.join(bundle, "model.pt"), map_location=dev)
            model = tf.HunYuanVLForConditionalGeneration.from_pretrained(ckpt, dtype=tdt, attn_implementation="eager")
            model.to(dev).eval()
            if dtype == a.dtypes.split(",")[0]:
                axes_mod = hy.xdrope_tables(man["architecture"]["llm"]["head_dim"], 1.0, 1.0,
                                            man["architecture"]["llm"]["xdrope_section"])[1].tolist()
                rep.d["xdrope_layout_measured"] = dict(
                    module=layout_summary(axes_mod, len(axes_mod)),
                    transformers_stock=transformers_layout(mod, model, False),
                    transformers_official_patch=transformers_layout(mod, model, True))
                lay = rep.d["xdrope_layout_measured"]
                if lay["transformers_official_patch"] != lay["module"]:
                    rep.fail("the official-behaviour patch does not reproduce the module's XD-RoPE layout: %s" % lay)
            for page in pages:
                t0 = time.time()
                name = os.path.relpath(page, a.data) if page.startswith(a.data) else os.path.basename(page)
                inp = hy.prepare_inputs(man, tok, page, a.task, man["prompts"]["default_language"])
                px, grid, ids, pos = inp["pixels"], inp["grid"], inp["ids"], inp["pos"]
                run = dict(dtype=dtype, page=name, grid=list(grid), prompt_tokens=len(ids),
                           image_tokens=hy.num_image_tokens(*grid))
                print("  %s %s grid %s, %d prompt tokens ..." % (dtype, name, list(grid), len(ids)), flush=True)
                img_e, pre_e, tok_e, steps_e = eager_run(eager, man, px, grid, ids, pos, a.tokens, dev)
                img_s, pre_s, tok_s, steps_s = runtime_run(sm, man, px, grid, ids, pos, a.tokens, dev, a.chunk)
                res = {}
                for variant, official in (("official", True), ("stock", False)):
                    pos_h, img_h, pre_h, tok_h, steps_h = hf_run(mod, model, man, px, grid, ids, a.tokens, dev,
                                                                 official)
                    res[variant] = dict(pos=pos_h, img=img_h, pre=pre_h, toks=tok_h, steps=steps_h)
                run["positions_equal_transformers"] = bool(np.array_equal(res["official"]["pos"], pos))
                if not run["positions_equal_transformers"]:
                    rep.fail("%s %s: transformers' get_rope_index differs from build_positions" % (dtype, name))
                o, s = res["official"], res["stock"]
                run["vision"] = {
                    "transformers_official_vs_eager": rel_diff(o["img"], img_e, img_e),
                    "transformers_official_vs_bundle": rel_diff(o["img"], img_s, img_s),
                    "bundle_vs_eager": rel_diff(img_s, img_e, img_e),
                    "transformers_stock_vs_eager": rel_diff(s["img"], img_e, img_e),
                }
                run["prefill_logits"] = {
                    "transformers_official_vs_eager": rel_diff(o["pre"], pre_e, pre_e),
                    "transformers_official_vs_bundle": rel_diff(o["pre"], pre_s, pre_s),
                    "bundle_vs_eager": rel_diff(pre_s, pre_e, pre_e),
                    "transformers_stock_vs_eager": rel_diff(s["pre"], pre_e, pre_e),
                    "argmax": dict(transformers_official=int(o["pre"].argmax()), eager=int(pre_e.argmax()),
                                   bundle=int(pre_s.argmax()), transformers_stock=int(s["pre"].argmax())),
                }
                run["greedy"] = {
                    "transformers_official_vs_eager": compare_greedy(o["toks"], o["steps"], tok_e, steps_e),
                    "bundle_vs_eager": compare_greedy(tok_s, steps_s, tok_e, steps_e),
                    "transformers_official_vs_bundle": compare_greedy(o["toks"], o["steps"], tok_s, steps_s),
                    "transformers_stock_vs_eager": compare_greedy(s["toks"], s["steps"], tok_e, steps_e,
                                                                  judge=False),
                    "tokens_eager": tok_e, "tokens_transformers_stock": s["toks"],
                    "distinct_tokens_eager": len(set(tok_e)),
                    "min_top2_margin_eager": sig(min(float(x.topk(2).values[0] - x.topk(2).values[1])
                                                     for x in steps_e)),
                }
                run["stock_expected_to_differ"] = (
                    "transformers %s as installed: image tokens get the whole-head XD-RoPE sections and the ViT "
                    "table is sampled at gh/128 instead of (gh+0.1)/128 (FINDINGS); text-only positions are the same"
                    % tf.__version__)
                for key in ("transformers_official_vs_eager", "transformers_official_vs_bundle", "bundle_vs_eager"):
                    check(rep, run, "vision." + key, run["vision"][key]["rel"], tol["vision_rel"])
                    check(rep, run, "prefill_logits." + key, run["prefill_logits"][key]["rel"], tol["logits_rel"])
                    g = run["greedy"][key]
                    check(rep, run, "greedy_step_logits." + key, g["rel_logit_diff"], tol["step_logits_rel"])
                    ok = g["equal"] or bool(g.get("near_tie"))
                    run["checks"]["greedy_tokens." + key] = dict(value=g["equal"], near_tie=g.get("near_tie"), ok=ok)
                    if not ok:
                        rep.fail("%s %s: greedy tokens %s diverge at step %s, not at a near-tie"
                                 % (dtype, name, key, g["first_divergence"]))
                run["seconds"] = round(time.time() - t0, 1)
                rep.d["runs"].append(run)
                rep.save()
            del eager, sm, model
        rep.d["status"] = "ok" if not rep.d["failures"] else "fail"
        rc = 0 if not rep.d["failures"] else 1
    except Exception as e:  # noqa: BLE001
        rep.d["status"] = "error"
        rep.d["error"] = "%s: %s" % (type(e).__name__, str(e)[:3000])
        rep.d["traceback"] = traceback.format_exc()[-4000:]
        print(rep.d["traceback"], file=sys.stderr)
        rc = 2
    finally:
        rep.d["elapsed_s"] = round(time.time() - t_start, 1)
        rep.save()
        summary(rep)
        if not a.keep and not a.work:
            shutil.rmtree(work, ignore_errors=True)
    return rc


def summary(rep):
    d = rep.d
    print("\n== parity (%s) %s" % (d.get("versions", {}).get("transformers", "no transformers"), d.get("status")))
    for c in d.get("config_checks", []):
        if not c["ok"]:
            print("  config check %-32s expected %-8s got %s" % (c["case"], c["expect"], c["got"]))
    print("  config checks: %d/%d as expected" % (sum(c["ok"] for c in d.get("config_checks", [])),
                                                 len(d.get("config_checks", []))))
    lay = d.get("xdrope_layout_measured")
    if lay:
        for k, v in lay.items():
            print("  xdrope %-28s %s (pairs on one axis: %s)" % (k, v["chunks"], v["pairs_on_one_axis"]))
    for r in d.get("runs", []):
        print("  %s %s grid %s, %d prompt tokens:" % (r["dtype"], r["page"], r["grid"], r["prompt_tokens"]))
        for key in ("transformers_official_vs_eager", "transformers_official_vs_bundle", "bundle_vs_eager",
                    "transformers_stock_vs_eager"):
            g = r["greedy"][key]
            print("    %-33s vision rel %-9s prefill rel %-9s greedy %s%s" % (
                key, r["vision"][key]["rel"], r["prefill_logits"][key]["rel"],
                "equal (%d)" % g["tokens_b"] if g["equal"] else "diverge@%s%s" % (
                    g["first_divergence"], " (near-tie)" if g.get("near_tie") else ""),
                ", step logits rel %s" % g["rel_logit_diff"]))
    for f in d.get("failures", []):
        print("  FAIL " + f)
    if d.get("why"):
        print("  " + d["why"])
    if rep.path:
        print("  report: " + rep.path)


if __name__ == "__main__":
    sys.exit(main())
