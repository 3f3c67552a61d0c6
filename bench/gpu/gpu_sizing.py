#!/usr/bin/env python3
"""GPU sizing for HunyuanOCR 1.0 on the Scriptorium runtime: how many pages/s one GPU sustains.

Builds the real-size architecture (ViT 27x1152 + 0.5B Hunyuan LLM, 24 layers, GQA 16/8, vocab 120818) with random
weights from the reference implementation (model-loader/export/hunyuan_ocr.py), exports it as a bundle
(torch.jit.script, the model.pt the Java runtime loads through DJL), loads that scripted module back and times its
methods on the device, the way the Java scheduler calls them:

  * vision encoder (``vision_encode``) for pages of 1, 2 and 4 megapixels (A4 aspect, after smart_resize);
  * prefill (``decode_step`` over the whole prompt, empty cache) and decode (``decode_step`` of one token per
    sequence against a filled cache) tokens/s at batch 1, 8, 32, 64;
  * the KV cache of one page at 4,000 image tokens (analytic, and the size of the cache prefill returns);
  * from these, the pages/s a GPU sustains for ``spotting`` and ``parse`` at 1,000 and 2,500 output tokens, and for
    both tasks on every page (digitize's default: one vision encode, two prefills, 3,500 output tokens).

Random weights do not change the arithmetic: every figure here is a cost of shapes, not of values.

    python3 bench/gpu/gpu_sizing.py --device cuda --dtype bfloat16 --out /tmp/hy-gpu-bundle --json sizing.json
    python3 bench/gpu/gpu_sizing.py --device cpu --tiny-check          # checks the script runs (no GPU)

Needs torch (2.x on GPU nodes; the bundle must be saved by torch <= 2.7.1 for DJL 0.36's libtorch 2.7.1), numpy,
Pillow. See bench/gpu/README.md for the method and for running the Java runtime on a GPU node.
"""

import argparse
import json
import math
import os
import sys
import tempfile
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "model-loader", "export"))
import hunyuan_ocr as hy  # noqa: E402  (the reference implementation)

# Published anchors (shared/docs/peers.md section 2): what the estimate is compared with.
ANCHORS = [
    ("HunyuanOCR-1.5 on vLLM, 1x A800-80G, batch 512 (user report, issue #112)", 0.94),
    ("olmOCR-2 7B FP8, 1x H100, full pipeline", 4.5),
]


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


def timed(fn, device, repeat):
    """Median wall seconds of ``repeat`` calls after one warm-up call."""
    fn()
    sync(device)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        sync(device)
        times.append(time.perf_counter() - t0)
    times.sort()
    return times[len(times) // 2]


def is_oom(e):
    return isinstance(e, MemoryError) or "out of memory" in str(e).lower() or "CUDA error: out of memory" in str(e)


def free(device):
    if device.type == "cuda":
        torch.cuda.empty_cache()


def page_grid(megapixels, pp):
    """Patch grid of an A4-shaped page of ``megapixels`` after smart_resize."""
    h = int(math.sqrt(megapixels * 1e6 * math.sqrt(2)))
    w = int(h / math.sqrt(2))
    rh, rw = hy.smart_resize(h, w, pp)
    return rh // pp["patch_size"], rw // pp["patch_size"]


def build(args):
    vision = dict(hy.TINY_VISION if args.tiny_check else hy.REAL_VISION)
    llm = dict(hy.TINY_LLM if args.tiny_check else hy.REAL_LLM)
    special_ids = {"bos": 120000, "user": 120006, "eos0": 120007, "eos1": 120020, "system_sep": 120021,
                   "image_start": 120118, "image_end": 120119, "image_token": 120120, "image_newline": 120121,
                   "quad": 120128, "quad_end": 120129, "ref": 120130, "ref_end": 120131, "pfig": 120132,
                   "pfig_end": 120133}
    if llm.get("vocab_size") is None:
        llm["vocab_size"] = 120818  # the tokenizer keeps the real special ids (120000..120133) in tiny mode too
    strings = {key: s for key, s in hy.SPECIAL_STRINGS}
    merges = hy.train_bpe(hy.tokenizer_corpus(args.data), 400)
    tokenizer, _ = hy.build_tokenizer_json(merges, {strings[k]: i for k, i in special_ids.items()}, llm["vocab_size"])
    special = hy.special_ids_to_manifest(special_ids)
    model = hy.HunyuanOCR(vision, llm, special["image_token"])
    hy.init_weights(model, args.seed, emb_std=0.05)
    model.cast(hy.DTYPES[args.dtype])
    preprocessing = hy.REAL_PREPROCESSING
    manifest = hy.make_manifest("scriptorium/hunyuan-ocr-gpu-sizing", "random-%d" % args.seed, args.dtype, vision,
                                llm, special, preprocessing, hy.REAL_MAX_NEW, {})
    manifest["note"] = "GPU sizing only: real architecture, random weights, tiny tokenizer padded to the real vocab"
    return model, manifest, json.dumps(tokenizer, ensure_ascii=False).encode("utf-8"), vision, llm, preprocessing


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--device", default="cuda", help="cuda, cuda:N or cpu")
    ap.add_argument("--dtype", default=None, choices=list(hy.DTYPES), help="default: bfloat16 on GPU, float32 on CPU")
    ap.add_argument("--tiny-check", action="store_true", help="tiny dimensions and sizes: checks that the script runs")
    ap.add_argument("--out", default=None, help="bundle directory to export to (default: a temp dir, removed)")
    ap.add_argument("--json", default=None, help="write the figures here ({'figures': [...]})")
    ap.add_argument("--data", default=os.path.join(HERE, "..", "..", "..", "shared", "data"),
                    help="text for the tiny tokenizer (optional)")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--megapixels", default=None, help="page sizes for the vision encoder (default 1,2,4)")
    ap.add_argument("--batches", default=None, help="batch sizes (default 1,8,32,64)")
    ap.add_argument("--kv-tokens", type=int, default=None, help="image tokens of the KV-per-page figure (default 4000)")
    ap.add_argument("--scenarios", default="spotting_1000=1000;parse_2500=2500;spotting_2500=2500;parse_1000=1000;"
                    "spotting_plus_parse=1000+2500",
                    help="name=output tokens per task (+ separates the tasks of one page) for the pages/s estimate")
    ap.add_argument("--decode-steps", type=int, default=None, help="timed decode steps per point (default 16)")
    ap.add_argument("--repeat", type=int, default=3, help="timed repetitions (median)")
    ap.add_argument("--memory-fraction", type=float, default=0.9, help="share of GPU memory the KV budget may use")
    args = ap.parse_args(argv)

    device = torch.device(args.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        sys.exit("no CUDA device: run with --device cpu --tiny-check on a machine without a GPU")
    args.dtype = args.dtype or ("bfloat16" if device.type == "cuda" else "float32")
    tiny = args.tiny_check
    megapixels = [float(x) for x in (args.megapixels or ("0.3,0.6,1" if tiny else "1,2,4")).split(",")]
    batches = [int(x) for x in (args.batches or ("1,2,4" if tiny else "1,8,32,64")).split(",")]
    kv_tokens = args.kv_tokens or (256 if tiny else 4000)
    steps = args.decode_steps or (4 if tiny else 16)
    torch.manual_seed(args.seed)
    figures = []

    def add(name, value, unit, note):
        figures.append({"name": name, "value": None if value is None else round(float(value), 6), "unit": unit,
                        "note": note})
        shown = "-" if value is None else ("%.4g" % value)
        print("%-46s %12s  %-9s %s" % (name, shown, unit, note), flush=True)

    where = "%s %s%s, torch %s" % (device, args.dtype, " (tiny dimensions)" if tiny else "", torch.__version__)
    if device.type == "cuda":
        props = torch.cuda.get_device_properties(device)
        where += ", %s %.0f GiB" % (props.name, props.total_memory / 2 ** 30)
    print("GPU sizing on", where, flush=True)

    # --- build, export, load back the scripted module (what DJL runs)
    model, manifest, tokenizer, vision, llm, pp = build(args)
    params = sum(p.numel() for p in model.parameters())
    out = args.out or tempfile.mkdtemp(prefix="hy-gpu-sizing-")
    t0 = time.perf_counter()
    hy.write_bundle(out, model, tokenizer, manifest)
    export_s = time.perf_counter() - t0
    del model
    module = torch.jit.load(os.path.join(out, "model.pt"), map_location=device)
    module.eval()
    weights_bytes = sum(t.numel() * t.element_size() for t in module.state_dict().values())
    add("parameters", params / 1e6, "M", "real architecture (ViT + adapter + LLM), random weights" if not tiny else "tiny")
    add("bundle_export_s", export_s, "s", "torch.jit.script + save to " + out)
    dt = hy.DTYPES[args.dtype]
    layers, kvh, hd, hidden = llm["num_layers"], llm["num_kv_heads"], llm["head_dim"], llm["hidden_size"]

    # --- vision encoder per page size
    vision_s = {}
    with torch.no_grad():
        for mp in megapixels:
            gh, gw = page_grid(mp, pp)
            pixels = torch.randn(gh * gw, 3 * pp["patch_size"] ** 2, device=device)
            grid = torch.tensor([gh, gw], dtype=torch.long)
            try:
                s = timed(lambda: module.vision_encode(pixels, grid), device, args.repeat)
                vision_s[mp] = (s, hy.num_image_tokens(gh, gw))
                add("vision_encode_s_%gmp" % mp, s, "s", "page %gx%g px -> %d patches -> %d image tokens (%s)" % (
                    gw * pp["patch_size"], gh * pp["patch_size"], gh * gw, hy.num_image_tokens(gh, gw), where))
            except RuntimeError as e:
                if not is_oom(e):
                    raise
                add("vision_encode_s_%gmp" % mp, None, "s", "out of memory (eager attention over %d patches)" % (gh * gw))
            free(device)

    def inputs(batch, length):
        emb = torch.randn(batch, length, hidden, device=device).to(dt) * 0.05
        pos = torch.arange(length, device=device).view(1, 1, length).expand(batch, 4, length).contiguous()
        mask = torch.ones(batch, length, dtype=torch.long, device=device)
        return emb, pos, mask

    # --- prefill: the prompt of a typical page (the largest measured page size), B sequences at once
    prompt_len = (vision_s[max(vision_s)][1] if vision_s else kv_tokens) + 40
    prefill = {}
    with torch.no_grad():
        for b in batches:
            try:
                emb, pos, mask = inputs(b, prompt_len)
                k0, v0 = module.empty_cache(torch.zeros(b, dtype=torch.long))
                k0, v0 = k0.to(device), v0.to(device)
                s = timed(lambda: module.decode_step(emb, pos, mask, k0, v0), device, args.repeat)
                prefill[b] = s
                add("prefill_tokens_per_s_batch_%d" % b, b * prompt_len / s, "tokens/s",
                    "%d sequences x %d prompt tokens, one decode_step with an empty cache (%.3f s)" % (b, prompt_len, s))
            except RuntimeError as e:
                if not is_oom(e):
                    raise
                add("prefill_tokens_per_s_batch_%d" % b, None, "tokens/s",
                    "out of memory: %d x %d tokens (eager attention materialises B x 16 x S x S scores)" % (b, prompt_len))
            free(device)

    # --- KV cache of one page at kv_tokens image tokens
    bytes_per_token = 2 * layers * kvh * hd * torch.tensor([], dtype=dt).element_size()
    kv_page = bytes_per_token * kv_tokens
    add("kv_cache_mb_per_page_%d_tokens" % kv_tokens, kv_page / 2 ** 20, "MiB",
        "analytic: 2 (K,V) x %d layers x %d KV heads x %d dims x %d bytes = %.1f KiB per token" % (
            layers, kvh, hd, torch.tensor([], dtype=dt).element_size(), bytes_per_token / 1024))
    with torch.no_grad():
        try:
            if device.type == "cuda":
                torch.cuda.reset_peak_memory_stats(device)
                base = torch.cuda.memory_allocated(device)
            emb, pos, mask = inputs(1, kv_tokens)
            k0, v0 = module.empty_cache(torch.zeros(1, dtype=torch.long))
            _, k, v = module.decode_step(emb, pos, mask, k0.to(device), v0.to(device))
            measured = k.numel() * k.element_size() + v.numel() * v.element_size()
            note = "size of the cache prefill returns"
            if device.type == "cuda":
                note += "; prefill peak %.0f MiB above the weights" % ((torch.cuda.max_memory_allocated(device) - base) / 2 ** 20)
            add("kv_cache_mb_per_page_%d_tokens_measured" % kv_tokens, measured / 2 ** 20, "MiB", note)
            del k, v
        except RuntimeError as e:
            if not is_oom(e):
                raise
            add("kv_cache_mb_per_page_%d_tokens_measured" % kv_tokens, None, "MiB", "out of memory")
        free(device)

    # --- decode: one token per sequence against a cache of kv_tokens + 500
    ctx = kv_tokens + (64 if tiny else 500)
    step_s = {}
    with torch.no_grad():
        for b in batches:
            try:
                pk = torch.randn(layers, b, kvh, ctx, hd, device=device).to(dt)
                pv = torch.randn(layers, b, kvh, ctx, hd, device=device).to(dt)
                emb = torch.randn(b, 1, hidden, device=device).to(dt) * 0.05

                def run_steps():
                    k, v = pk, pv
                    for n in range(steps):
                        pos = torch.full((b, 4, 1), ctx + n, dtype=torch.long, device=device)
                        mask = torch.ones(b, ctx + n + 1, dtype=torch.long, device=device)
                        _, k, v = module.decode_step(emb, pos, mask, k, v)

                s = timed(run_steps, device, args.repeat) / steps
                step_s[b] = s
                add("decode_tokens_per_s_batch_%d" % b, b / s, "tokens/s",
                    "%d sequences, context %d, %.2f ms per step (cache concatenated each step, as the bundle does)" % (
                        b, ctx, s * 1e3))
                del pk, pv
            except RuntimeError as e:
                if not is_oom(e):
                    raise
                add("decode_tokens_per_s_batch_%d" % b, None, "tokens/s", "out of memory at context %d" % ctx)
            free(device)

    # --- pages/s per GPU: vision once per page, one prefill per task, decode steps shared by the batch
    if device.type == "cuda":
        total = torch.cuda.get_device_properties(device).total_memory
    else:
        total = 16 * 2 ** 30
    budget = args.memory_fraction * total - weights_bytes
    page_mp = max(vision_s) if vision_s else None
    t_vision, image_tokens = vision_s[page_mp] if page_mp else (0.0, kv_tokens)
    t_prefill = prefill.get(1)
    for scenario in args.scenarios.split(";"):
        name, spec = scenario.split("=")
        outputs = [int(x) for x in spec.split("+")]
        best, best_b = None, None
        for b, s in step_s.items():
            per_sequence_kv = bytes_per_token * (image_tokens + 80 + max(outputs))
            if b * per_sequence_kv * 2 > budget or t_prefill is None:  # x2: the bundle concatenates a new cache per step
                continue
            gpu_s = t_vision + len(outputs) * t_prefill + sum(outputs) * s / b
            if best is None or 1.0 / gpu_s > best:
                best, best_b = 1.0 / gpu_s, b
        note = ("GPU s/page = vision once (%.3f s, %g MP page, %d image tokens) + %d prefill(s) at batch 1 (%s s) +"
                " %s output tokens x decode step / batch; best measured batch %s within a %.0f GiB KV budget;"
                " decode step timed at context %d; anchors: %s" % (
                    t_vision, page_mp or 0, image_tokens, len(outputs),
                    "-" if t_prefill is None else "%.3f" % t_prefill, "+".join(map(str, outputs)), best_b,
                    budget / 2 ** 30, ctx, "; ".join("%s %.2f pages/s" % a for a in ANCHORS)))
        add("pages_per_s_%s" % name, best, "pages/s", note)

    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"figures": figures, "device": where}, f, indent=2)
            f.write("\n")
    if not args.out:
        import shutil
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
