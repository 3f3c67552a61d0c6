#!/usr/bin/env python3
"""Scriptorium device check: the exported HunyuanOCR bundle measured on one GPU (or, with --smoke, on the CPU).

Started by bench/gpu/device-check.sh, which exports the bundle first. Two subcommands:

  run        loads a bundle's model.pt with torch.jit.load(map_location=device) and drives its methods the way the
             Java runtime does (BUNDLE_FORMAT.md "Driving the methods"; the exporter's SlotRunner and greedy_runtime,
             imported from model-loader/export/hunyuan_ocr.py, not copied). Legs, each guarded (a failure is recorded
             and the next leg runs; a leg that would not finish before --budget-s is skipped):
               bandwidth        device-memory copy bandwidth, bytes read + written, best of several
               matmul           square products in the bundle dtype: the compute roof (TFLOP/s)
               vision           vision_encode ms and peak memory at 1, 2 and 4 MP (patch grids 64x64, 88x88, 128x128)
               prefill          a ~4,100-token prompt (an A4 page at the 4 MP cap) through prefill_chunk, 512 per chunk;
                                its FLOPs over the matmul roof (prefill_compute_efficiency)
               decode           decode steps at batch 1/8/32/64, every row at context 4,500 (the cache filled with
                                random K/V instead of a prefill), the host reading next_ids back every step as Java
                                does; tokens/s, ms/step and memory-bandwidth efficiency
               derived          parse / spotting pages/s at the best batch next to the KV-bandwidth limit
               correctness      greedy_runtime (the runtime path) against the exporter's plain reference `greedy`
                                on one synthetic page, 64 tokens: same tokens, max logit difference
               chunked_compare  when the bundle uses SDPA: the same page through a re-export with --attention chunked
               transformers     when transformers provides HunyuanVL: the same architecture and weights through
                                HunYuanVLForConditionalGeneration.generate, one page, against the runtime's page time
             Writes the JSON {"machine", "mode", "figures": [{name, value, unit, note}], "legs": {...}} after every
             figure, so a run cut short keeps what it measured.
  summarize  merges that JSON with the shell legs (export, devicecheck, java; key=value files) into the result file;
             needs no torch.
"""

import argparse
import copy
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
EXPORT_DIR = os.path.join(REPO, "model-loader", "export")
EXPORTER = os.path.join(EXPORT_DIR, "hunyuan_ocr.py")

# Page arithmetic for the derived figures (hunyuanocr.md: an A4 page at the 4 MP cap gives 3,998 image tokens).
PARSE_PROMPT_TOKENS = 4050  # ~4,000 image tokens + special and prompt-text tokens
TASK_OUTPUT_TOKENS = (("parse", 2500), ("spotting", 1000))

SIZES = {
    "gpu": dict(vision_grids=[("1mp", 64, 64), ("2mp", 88, 88), ("4mp", 128, 128)],
                page_grid=(148, 106),  # A4 2368x1696 px after smart_resize at 4 MP: 74*54+2 = 3,998 image tokens
                prefill_chunk=512, batches=[1, 8, 32, 64], context=4500, decode_warmup=12, decode_steps=24,
                bandwidth_bytes=2 << 30, bandwidth_repeat=6, correctness_grid=(32, 24), correctness_tokens=64,
                correctness_chunk=128, hf_tokens=128),
    "smoke": dict(vision_grids=[("1mp", 8, 8), ("2mp", 8, 12), ("4mp", 12, 12)],
                  page_grid=(12, 8), prefill_chunk=32, batches=[1, 2], context=64, decode_warmup=3, decode_steps=4,
                  bandwidth_bytes=64 << 20, bandwidth_repeat=3, correctness_grid=(8, 8), correctness_tokens=64,
                  correctness_chunk=32, hf_tokens=8),
}


def sig(v, digits=6):
    return float("%.*g" % (digits, v))


def finite(v):
    return v is not None and isinstance(v, (int, float)) and not math.isnan(v) and not math.isinf(v)


# ------------------------------------------------------------------------------------------------------------------
# Report
# ------------------------------------------------------------------------------------------------------------------

class Report:
    def __init__(self, path, budget_s, mode):
        self.path = path
        self.t0 = time.time()
        self.deadline = self.t0 + budget_s
        self.data = {"machine": {}, "mode": mode, "figures": [], "legs": {}}
        d = os.path.dirname(os.path.abspath(path))
        os.makedirs(d, exist_ok=True)
        self.save()

    def left(self):
        return self.deadline - time.time()

    def figure(self, name, value, unit, note=""):
        v = float(value) if finite(value) else None
        self.data["figures"] = [f for f in self.data["figures"] if f["name"] != name]
        self.data["figures"].append({"name": name, "value": None if v is None else sig(v), "unit": unit,
                                     "note": note})
        print("  %-44s %12s %-9s %s" % (name, "-" if v is None else "%.4g" % v, unit, note), flush=True)
        self.save()
        return v

    def leg(self, name, **kv):
        self.data["legs"].setdefault(name, {}).update(kv)
        self.save()

    def save(self):
        self.data["elapsed_s"] = round(time.time() - self.t0, 1)
        tmp = self.path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(self.data, f, indent=1, ensure_ascii=False)
            f.write("\n")
        os.replace(tmp, self.path)


def is_oom(e):
    return "out of memory" in str(e).lower() or type(e).__name__ == "OutOfMemoryError"


def short(e, n=600):
    text = "%s: %s" % (type(e).__name__, e)
    lines = [l for l in text.splitlines() if l.strip()]
    return (lines[0] if len(lines) == 1 else lines[0] + " ... " + lines[-1])[:n]


# ------------------------------------------------------------------------------------------------------------------
# The run
# ------------------------------------------------------------------------------------------------------------------

class Check:
    """State shared by the legs of one run."""

    def __init__(self, args):
        import numpy as np
        import torch
        sys.path.insert(0, EXPORT_DIR)
        import hunyuan_ocr as hy  # the exporter: SlotRunner, greedy_runtime, greedy, load_eager, prompt layout
        self.np, self.torch, self.hy = np, torch, hy
        self.args = args
        self.mode = "smoke" if args.smoke else "gpu"
        self.sz = SIZES[self.mode]
        self.dev = torch.device(args.device)
        self.cuda = self.dev.type == "cuda"
        self.rep = Report(args.json, args.budget_s, self.mode)
        self.bundle = os.path.abspath(args.bundle)
        self.man = hy.load_manifest(self.bundle)
        self.man_nostop = copy.deepcopy(self.man)  # every sequence decodes exactly the requested tokens
        self.man_nostop["generation"]["stop_ids"] = []
        self.module = None
        self.bandwidth = None  # bytes/s
        self.matmul_flops = None  # FLOP/s
        self.results = {}

    # ---- helpers -------------------------------------------------------------------------------------------------

    def sync(self):
        if self.cuda:
            self.torch.cuda.synchronize(self.dev)

    def free(self):
        import gc
        gc.collect()
        if self.cuda:
            self.torch.cuda.empty_cache()

    def timed(self, fn, warmup=1, repeat=3, track_peak=True):
        """Milliseconds of each of `repeat` calls after `warmup` calls: CUDA events on a GPU, perf_counter on the CPU;
        on a GPU also the peak memory allocated during the timed calls beyond what was resident before them
        (track_peak=False leaves the peak counter to a caller that times a series of calls)."""
        torch = self.torch
        for _ in range(warmup):
            fn()
        self.sync()
        peak = None
        track = self.cuda and track_peak
        if track:
            torch.cuda.reset_peak_memory_stats(self.dev)
            base = torch.cuda.memory_allocated(self.dev)
        times = []
        for _ in range(repeat):
            if self.cuda:
                start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
                start.record()
                fn()
                end.record()
                end.synchronize()
                times.append(start.elapsed_time(end))
            else:
                t = time.perf_counter()
                fn()
                times.append((time.perf_counter() - t) * 1e3)
        if track:
            peak = torch.cuda.max_memory_allocated(self.dev) - base
        return times, peak

    @staticmethod
    def median(xs):
        s = sorted(xs)
        n = len(s)
        return s[n // 2] if n % 2 else 0.5 * (s[n // 2 - 1] + s[n // 2])

    def leg(self, name, need_s, fn):
        rep = self.rep
        if rep.left() < need_s:
            rep.leg(name, status="skipped", why="%.0f s left of the budget, the leg needs about %.0f s"
                    % (rep.left(), need_s))
            print("== %s: skipped (%.0f s left, needs ~%.0f s)" % (name, rep.left(), need_s), flush=True)
            return None
        print("== %s (%.0f s left)" % (name, rep.left()), flush=True)
        rep.leg(name, status="running")
        t = time.time()
        out = None
        try:
            out = fn() or {}
            status = out.pop("status", "ok")
            rep.leg(name, status=status, seconds=round(time.time() - t, 1), **out)
        except Exception as e:  # noqa: BLE001 - recorded, the next leg runs
            rep.leg(name, status="failed", seconds=round(time.time() - t, 1), error=short(e, 1500),
                    out_of_memory=is_oom(e), trace=traceback.format_exc()[-3000:])
            print("!! %s failed: %s" % (name, short(e)), flush=True)
        try:
            self.free()
        except Exception:  # noqa: BLE001
            pass
        return out

    def load(self, bundle):
        torch = self.torch
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m = torch.jit.load(os.path.join(bundle, "model.pt"), map_location=self.dev)
        m.eval()
        return m

    def page_inputs(self, grid, task, seed):
        """A synthetic page: random pixel values on a patch grid, the real prompt layout and XD-RoPE positions."""
        np, hy = self.np, self.hy
        gh, gw = grid
        tok = self.tokenizer()
        st = self.man["special_tokens"]
        text = hy.render_prompt(self.man, task, self.man["prompts"].get("default_language", "zh"))
        ids = hy.build_prompt_ids(st, gh, gw, tok.encode(text))
        pos = hy.build_positions(ids, st, gh, gw)
        px = np.random.RandomState(seed).randn(gh * gw, 3 * self.patch() ** 2).astype(np.float32)
        return px, ids, pos

    def tokenizer(self):
        if "tok" not in self.results:
            self.results["tok"] = self.hy.load_tokenizer(os.path.join(self.bundle, "tokenizer.json"))
        return self.results["tok"]

    def patch(self):
        return self.man["architecture"]["vision"]["patch_size"]

    def on_device(self, target, record=None):
        return OnDevice(self.torch, target, self.dev, record)

    def runner_on_device(self):
        """greedy_runtime builds its SlotRunner with the default (CPU) device: for the duration of a call, make the
        exporter's SlotRunner default to this run's device (the class itself is reused, not copied)."""
        hy, dev = self.hy, self.dev
        base = hy.SlotRunner

        class DeviceSlotRunner(base):
            def __init__(self, module, manifest, slots, slot_tokens, chunk=512, device=None):
                super().__init__(module, manifest, slots, slot_tokens, chunk, device if device is not None else dev)

        return Patched(hy, "SlotRunner", DeviceSlotRunner)

    def greedy_runtime(self, module, man, px, grid, ids, pos, max_new, chunk):
        record = []
        with self.runner_on_device():
            toks, _, _ = self.hy.greedy_runtime(self.on_device(module, record), man, px, grid, ids, pos, max_new,
                                                chunk)
        logits = []
        pending = None
        for name, lg in record:  # the last prefill chunk's logits, then one row per decode step
            if name == "prefill_chunk":
                pending = lg
            else:
                if pending is not None:
                    logits.append(pending)
                    pending = None
                logits.append(lg)
        if pending is not None:
            logits.append(pending)
        return toks, logits

    def greedy_reference(self, eager, man, px, grid, ids, pos, max_new):
        record = []
        toks, _, _ = self.hy.greedy(self.on_device(eager, record), man, px, grid, ids, pos, max_new)
        return toks, [lg for _, lg in record]

    def llm_sizes(self):
        a = self.man["architecture"]["llm"]
        el = {"float32": 4, "float16": 2, "bfloat16": 2}[self.man["dtype"]]
        kv_token = 2 * a["num_layers"] * a["num_kv_heads"] * a["head_dim"] * el
        return a, el, kv_token


class OnDevice:
    """Wraps a module (scripted or eager) or one of its methods: tensor arguments move to the run's device (a tensor
    already there, such as a view of the KV cache, is passed unchanged, so in-place writes land in the cache), and the
    logits of prefill_chunk / decode / plain_step are recorded when a list is given."""

    LOGITS_AT = {"prefill_chunk": 1, "decode": 1, "plain_step": 0}

    def __init__(self, torch, target, dev, record, name=None):
        self._torch, self._t, self._dev, self._rec, self._name = torch, target, dev, record, name

    def __getattr__(self, name):
        a = getattr(self._t, name)
        if callable(a):
            return OnDevice(self._torch, a, self._dev, self._rec, name)
        return a

    def __call__(self, *args):
        args = [x.to(self._dev) if isinstance(x, self._torch.Tensor) else x for x in args]
        out = self._t(*args)
        if self._rec is not None and self._name in self.LOGITS_AT:
            self._rec.append((self._name, out[self.LOGITS_AT[self._name]].detach().float()))
        return out


class Patched:
    def __init__(self, obj, attr, value):
        self.obj, self.attr, self.value = obj, attr, value

    def __enter__(self):
        self.old = getattr(self.obj, self.attr)
        setattr(self.obj, self.attr, self.value)

    def __exit__(self, *exc):
        setattr(self.obj, self.attr, self.old)


def compare_greedy(torch, toks_a, logits_a, toks_b, logits_b):
    """Tokens must be equal; logits compared step by step up to and including the first divergence (before it both
    sides had the same inputs)."""
    n = min(len(toks_a), len(toks_b))
    first = next((i for i in range(n) if toks_a[i] != toks_b[i]), None)
    if first is None and len(toks_a) != len(toks_b):
        first = n
    upto = min(len(logits_a), len(logits_b), n if first is None else first + 1)
    worst = 0.0
    margin_at_divergence = None
    for i in range(upto):
        worst = max(worst, float((logits_a[i].reshape(-1) - logits_b[i].reshape(-1)).abs().max()))
    if first is not None and first < len(logits_b):
        t2 = logits_b[first].reshape(-1).topk(2).values
        margin_at_divergence = float(t2[0] - t2[1])
    return dict(match=first is None, tokens_compared=n, first_divergence=first, max_logit_diff=worst,
                logit_steps_compared=upto, reference_top2_margin_at_divergence=margin_at_divergence)


# ---- legs -------------------------------------------------------------------------------------------------------

def leg_setup(c):
    torch, rep = c.torch, c.rep
    t = time.time()
    c.module = c.load(c.bundle)
    load_s = time.time() - t
    sd = c.module.state_dict()
    a, el, kv_token = c.llm_sizes()
    c.weight_bytes = sum(v.numel() * v.element_size() for v in sd.values())
    c.llm_weight_bytes = sum(v.numel() * v.element_size() for k, v in sd.items() if k.startswith("model."))
    c.kv_token = kv_token
    rt = c.man.get("runtime", {})
    return dict(bundle=c.bundle, model_id=c.man.get("model_id"), dtype=c.man["dtype"],
                attention=rt.get("attention"), exported_with_torch=rt.get("exported_with_torch"),
                llm_layers=a["num_layers"], vision_layers=c.man["architecture"]["vision"]["num_layers"],
                load_s=round(load_s, 2), weights_gib=round(c.weight_bytes / 2 ** 30, 3),
                llm_weights_gib=round(c.llm_weight_bytes / 2 ** 30, 3), kv_bytes_per_token=kv_token,
                note=c.man.get("note"))


def leg_bandwidth(c):
    torch = c.torch
    n = c.sz["bandwidth_bytes"]
    if c.cuda:
        free_b, _ = torch.cuda.mem_get_info(c.dev)
        n = min(n, int(free_b * 0.2))
    src = torch.empty(n, dtype=torch.uint8, device=c.dev)
    src.fill_(7)
    dst = torch.empty_like(src)
    times, _ = c.timed(lambda: dst.copy_(src), warmup=2, repeat=c.sz["bandwidth_repeat"])
    best = min(times) / 1e3
    c.bandwidth = 2 * n / best
    c.rep.figure("hbm_bandwidth_gb_per_s", c.bandwidth / 1e9, "GB/s",
                 "%s copy of %d MiB, bytes read + written, best of %d%s"
                 % ("device-memory" if c.cuda else "host-memory (smoke, CPU)", n >> 20, len(times),
                    "" if c.cuda else "; stands in for HBM"))
    return dict(bytes=n, times_ms=[round(x, 3) for x in times])


def leg_matmul(c):
    """The compute roof: the best of several square products in the bundle's dtype (bfloat16 on the GPU)."""
    torch = c.torch
    n = 8192 if c.cuda else 512
    dt = {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}[c.man["dtype"]]
    a = torch.randn(n, n, device=c.dev).to(dt)
    b = torch.randn(n, n, device=c.dev).to(dt)
    times, _ = c.timed(lambda: torch.matmul(a, b), warmup=3, repeat=5)
    c.matmul_flops = 2 * n ** 3 / (min(times) / 1e3)
    c.rep.figure("matmul_tflop_s", c.matmul_flops / 1e12, "TFLOP/s",
                 "%s product %dx%d x %dx%d, best of %d: the compute roof for prefill and the vision tower"
                 % (c.man["dtype"], n, n, n, n, len(times)))
    del a, b
    c.free()
    return dict(n=n, dtype=c.man["dtype"], times_ms=[round(x, 3) for x in times])


def leg_vision(c):
    torch = c.torch
    out = {}
    for label, gh, gw in c.sz["vision_grids"]:
        px = torch.randn(gh, gw, 3 * c.patch() ** 2, device=c.dev)
        toks = c.hy.num_image_tokens(gh, gw)
        try:
            with torch.no_grad():
                times, peak = c.timed(lambda: c.module.vision_encode(px), warmup=3, repeat=3 if c.cuda else 2)
        except RuntimeError as e:
            if not is_oom(e):
                raise
            c.free()
            c.rep.figure("vision_encode_ms_%s" % label, None, "ms", "out of memory at grid %dx%d" % (gh, gw))
            out[label] = dict(grid=[gh, gw], error=short(e))
            continue
        ms = c.median(times)
        c.results["vision_ms_" + label] = ms
        what = "grid %dx%d = %d patches (%.2f MP) -> %d image tokens" % (gh, gw, gh * gw, gh * gw * 256 / 1e6, toks)
        if c.mode == "smoke":
            what = "smoke stand-in: " + what
        c.rep.figure("vision_encode_ms_%s" % label, ms, "ms",
                     "vision_encode, median of %d after 3 warm-ups; %s" % (len(times), what))
        c.rep.figure("vision_encode_peak_mib_%s" % label, None if peak is None else peak / 2 ** 20, "MiB",
                     "max_memory_allocated during the call beyond what was resident" if c.cuda
                     else "not measured on the CPU")
        out[label] = dict(grid=[gh, gw], image_tokens=toks, times_ms=[round(x, 3) for x in times])
        del px
        c.free()
    return out


def leg_prefill(c):
    torch, hy = c.torch, c.hy
    grid = c.sz["page_grid"]
    chunk = c.sz["prefill_chunk"]
    px, ids, pos = c.page_inputs(grid, "parse", seed=1)
    S = len(ids)
    with torch.no_grad():
        img = c.module.vision_encode(torch.from_numpy(px).reshape(grid[0], grid[1], -1).to(c.dev))
        emb = c.module.prefill_embeds(torch.tensor([ids], dtype=torch.long, device=c.dev), img)
        run = hy.SlotRunner(c.module, c.man, 1, S, chunk, device=c.dev)
        times, peak = c.timed(lambda: run.prefill(0, emb, pos), warmup=2, repeat=3)
    ms = c.median(times)
    c.results["prefill_ms"] = ms
    c.results["prefill_tokens"] = S
    note = "%d-token prompt (grid %dx%d: %d image tokens + parse prompt), %d per prefill_chunk call, %d calls" % (
        S, grid[0], grid[1], hy.num_image_tokens(*grid), chunk, (S + chunk - 1) // chunk)
    c.rep.figure("prefill_tokens_per_s", S / (ms / 1e3), "tokens/s", note + ", median of 3")
    c.rep.figure("prefill_ms", ms, "ms", "the same prompt, whole prefill")
    if c.matmul_flops:
        a, el, _ = c.llm_sizes()
        head = a["vocab_size"] * a["hidden_size"]  # tied: the embedding is a lookup, the output head runs per call
        params = c.llm_weight_bytes / el - head
        calls = (S + chunk - 1) // chunk
        # a multiply-add per weight per token, the head for each call's last token, and causal attention
        flops = 2 * params * S + 2 * head * calls + 2 * a["num_layers"] * a["num_heads"] * a["head_dim"] * S * (S + 1)
        c.rep.figure("prefill_compute_efficiency", flops / c.matmul_flops / (ms / 1e3), "fraction",
                     "%.2f TFLOP (weights %.0fM params x %d tokens, the output head x %d calls, causal attention)"
                     " / matmul_tflop_s / prefill time" % (flops / 1e12, params / 1e6, S, calls))
    c.rep.figure("prefill_peak_mib", None if peak is None else peak / 2 ** 20, "MiB",
                 "peak beyond the resident weights and slot" if c.cuda else "not measured on the CPU")
    return dict(prompt_tokens=S, chunk=chunk, grid=list(grid), times_ms=[round(x, 3) for x in times])


def decode_run(c, module, batch, ctx, warm, steps):
    """Decode steps of `batch` rows together, each row at context `ctx`, through SlotRunner.decode; every step timed
    on its own (the TorchScript profiling executor re-specialises while the width grows, so the median is the
    figure). Returns (per-step ms list, peak bytes or None, cache bytes, mean attended width)."""
    torch, hy = c.torch, c.hy
    a = c.man["architecture"]["llm"]
    run = hy.SlotRunner(module, c.man, batch, ctx + warm + steps + 2, device=c.dev)
    # synthetic K/V in place of a prefill: same shapes and bytes read, no prefill cost
    run.k[:, :batch, :, :ctx].normal_()
    run.v[:, :batch, :, :ctx].normal_()
    state = {"tokens": torch.randint(0, a["vocab_size"], (batch,), device=c.dev),
             "lengths": torch.full((batch,), ctx, dtype=torch.long, device=c.dev), "width": ctx + 1}

    def step():
        state["tokens"], _, state["lengths"] = run.decode(state["tokens"], state["lengths"], state["width"])
        state["width"] += 1
        state["tokens"].tolist()  # the host reads next_ids back every step, as the Java scheduler does

    peak = None
    with torch.no_grad():
        for _ in range(warm):
            step()
        c.sync()
        if c.cuda:
            torch.cuda.reset_peak_memory_stats(c.dev)
            base = torch.cuda.memory_allocated(c.dev)
        times = []
        for _ in range(steps):
            times += c.timed(step, warmup=0, repeat=1, track_peak=False)[0]  # the peak over all steps
        if c.cuda:
            peak = torch.cuda.max_memory_allocated(c.dev) - base
    cache_bytes = 2 * run.k.numel() * run.k.element_size()
    mean_width = ctx + warm + 1 + (steps - 1) / 2.0
    del run, state
    return times, peak, cache_bytes, mean_width


def leg_decode(c):
    torch = c.torch
    ctx, warm, steps = c.sz["context"], c.sz["decode_warmup"], c.sz["decode_steps"]
    out = {}
    c.results["decode"] = {}
    for b in c.sz["batches"]:
        need = 4.0 if c.mode == "smoke" else 15.0
        if c.rep.left() < need:
            out["batch_%d" % b] = "skipped: budget"
            continue
        try:
            times, peak, cache_bytes, mean_width = decode_run(c, c.module, b, ctx, warm, steps)
            step_ms = c.median(times)
        except RuntimeError as e:
            if not is_oom(e):
                raise
            c.free()
            c.rep.figure("decode_tokens_per_s_batch_%d" % b, None, "tokens/s", "out of memory at context %d" % ctx)
            out["batch_%d" % b] = dict(error=short(e))
            continue
        c.results["decode"][b] = step_ms
        read = c.llm_weight_bytes + b * mean_width * c.kv_token
        eff = read / c.bandwidth / (step_ms / 1e3) if c.bandwidth else None
        c.rep.figure("decode_tokens_per_s_batch_%d" % b, b / (step_ms / 1e3), "tokens/s",
                     "%d rows at context %d (synthetic random K/V in the slots instead of a prefill), median of %d "
                     "steps after %d warm-up, next_ids read back every step" % (b, ctx, steps, warm))
        c.rep.figure("decode_ms_per_step_batch_%d" % b, step_ms, "ms", "same run; KV cache %.2f GiB"
                     % (cache_bytes / 2 ** 30))
        c.rep.figure("decode_bw_efficiency_batch_%d" % b, eff, "fraction",
                     "(LLM weights %.0f MiB + %d rows x %.0f cached tokens x %d B K/V) / measured bandwidth / step time"
                     % (c.llm_weight_bytes / 2 ** 20, b, mean_width, c.kv_token))
        out["batch_%d" % b] = dict(step_ms=round(step_ms, 4), mean_step_ms=round(sum(times) / len(times), 4),
                                   max_step_ms=round(max(times), 4), peak_step_mib=None if peak is None else
                                   round(peak / 2 ** 20, 1), cache_gib=round(cache_bytes / 2 ** 30, 3),
                                   bytes_read_per_step=int(read))
        c.free()
    out["note"] = ("the cache is filled with random K/V (normal(0,1)) instead of prefilling %d tokens per row: decode "
                   "reads the same bytes either way" % ctx)
    return out


def leg_derived(c):
    dec = c.results.get("decode") or {}
    vis = c.results.get("vision_ms_4mp")
    pre = c.results.get("prefill_ms")
    if not dec or vis is None or pre is None or not c.bandwidth:
        return dict(status="skipped", why="needs decode, vision at 4 MP, prefill and bandwidth")
    best = max(dec, key=lambda b: b / dec[b])
    step_s = dec[best] / 1e3
    c.rep.figure("decode_best_batch", best, "rows", "batch with the most decode tokens/s (%.1f ms/step)" % dec[best])
    out = {"best_batch": best}
    for task, gen in TASK_OUTPUT_TOKENS:
        page_s = vis / 1e3 + pre / 1e3 + gen * step_s / best
        mean_ctx = PARSE_PROMPT_TOKENS + gen / 2.0
        kv_page = gen * mean_ctx * c.kv_token
        c.rep.figure("%s_pages_per_s" % task, 1.0 / page_s, "pages/s",
                     "GPU time per page = vision 4 MP %.0f ms + prefill %.0f ms + %d tokens x %.2f ms/step / %d rows "
                     "(steps timed at context %d; the mean context is ~%d, so slightly optimistic)"
                     % (vis, pre, gen, step_s * 1e3, best, c.sz["context"], mean_ctx))
        c.rep.figure("%s_pages_per_s_kv_bandwidth_limit" % task, c.bandwidth / kv_page, "pages/s",
                     "bandwidth / (%d steps x %.0f cached tokens x %d B K/V per token) = one page's cache reads"
                     % (gen, mean_ctx, c.kv_token))
        out[task] = dict(page_s=round(page_s, 5), kv_bytes_per_page=int(kv_page))
    return out


def leg_correctness(c):
    torch, hy = c.torch, c.hy
    grid, n, chunk = c.sz["correctness_grid"], c.sz["correctness_tokens"], c.sz["correctness_chunk"]
    px, ids, pos = c.page_inputs(grid, "spotting", seed=2)
    rt_toks, rt_logits = c.greedy_runtime(c.module, c.man_nostop, px, grid, ids, pos, n, chunk)
    t = time.time()
    eager, _ = hy.load_eager(c.bundle)
    eager.to(c.dev)
    load_s = time.time() - t
    ref_toks, ref_logits = c.greedy_reference(eager, c.man_nostop, px, grid, ids, pos, n)
    del eager
    cmp_ = compare_greedy(torch, rt_toks, rt_logits, ref_toks, ref_logits)
    c.results["correctness"] = dict(page=(px, ids, pos, grid, n, chunk), tokens=rt_toks, logits=rt_logits)
    c.rep.figure("correctness_greedy_match", 1.0 if cmp_["match"] else 0.0, "bool",
                 "greedy_runtime (%s attention, %d-token chunks) vs the exporter's plain reference `greedy`, %d tokens "
                 "of a synthetic page (grid %dx%d, %d prompt tokens)%s"
                 % (c.man.get("runtime", {}).get("attention"), chunk, n, grid[0], grid[1], len(ids),
                    "" if cmp_["match"] else "; first divergence at step %s" % cmp_["first_divergence"]))
    c.rep.figure("correctness_max_logit_diff", cmp_["max_logit_diff"], "abs",
                 "max |logit| difference over %d aligned steps (%s)" % (cmp_["logit_steps_compared"], c.man["dtype"]))
    if not cmp_["match"] and cmp_["reference_top2_margin_at_divergence"] is not None:
        tie = cmp_["reference_top2_margin_at_divergence"] <= 2 * cmp_["max_logit_diff"]
        cmp_["divergence_reading"] = ("a near-tie: the reference's top-2 margin there is within the logit difference "
                                      "(rounding, not a wrong method)" if tie else
                                      "NOT a near-tie: look for a bug in the runtime path")
    return dict(prompt_tokens=len(ids), grid=list(grid), chunk=chunk, eager_load_s=round(load_s, 1),
                runtime_tokens=rt_toks, reference_tokens=ref_toks, **cmp_)


def leg_chunked_compare(c):
    torch = c.torch
    attention = c.man.get("runtime", {}).get("attention")
    mode = c.args.compare_chunked
    if mode == "never" or (mode == "auto" and attention != "sdpa"):
        return dict(status="skipped", why="bundle attention is %s (compared only for sdpa bundles)" % attention)
    base = c.results.get("correctness")
    if not base:
        return dict(status="skipped", why="the correctness leg did not finish")
    tmp = tempfile.mkdtemp(prefix="device-check-chunked-")
    try:
        cmd = [sys.executable, EXPORTER, "export", "--from-bundle", c.bundle, "--attention", "chunked", "--out", tmp]
        limit = max(30.0, c.rep.left() - (10 if c.mode == "smoke" else 30))
        t = time.time()
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=limit)
        export_s = time.time() - t
        if p.returncode != 0:
            raise RuntimeError("re-export failed (rc %d): %s"
                               % (p.returncode, p.stdout.decode(errors="replace")[-800:]))
        chunked = c.load(tmp)
        px, ids, pos, grid, n, chunk = base["page"]
        toks, logits = c.greedy_runtime(chunked, c.man_nostop, px, grid, ids, pos, n, chunk)
        cmp_ = compare_greedy(torch, base["tokens"], base["logits"], toks, logits)
        c.rep.figure("sdpa_vs_chunked_greedy_match", 1.0 if cmp_["match"] else 0.0, "bool",
                     "greedy_runtime through this bundle (%s) vs its re-export with --attention chunked, %d tokens"
                     % (attention, n))
        c.rep.figure("sdpa_vs_chunked_max_logit_diff", cmp_["max_logit_diff"], "abs",
                     "max |logit| difference over %d aligned steps" % cmp_["logit_steps_compared"])
        out = dict(reexport_s=round(export_s, 1), bundle_attention=attention, chunked_tokens=toks, **cmp_)
        b = min(8, max(c.sz["batches"]))
        if c.rep.left() > (5 if c.mode == "smoke" else 20) and b in (c.results.get("decode") or {}):
            times, _, _, _ = decode_run(c, chunked, b, c.sz["context"], c.sz["decode_warmup"], c.sz["decode_steps"])
            step_ms = c.median(times)
            c.rep.figure("decode_ms_per_step_batch_%d_chunked" % b, step_ms, "ms",
                         "decode_ms_per_step_batch_%d through the chunked re-export (same run shape)" % b)
        del chunked
        return out
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# ---- transformers ----------------------------------------------------------------------------------------------

def hf_key_candidates(k):
    """Our state-dict keys are the checkpoint's (vit.*, model.*); transformers' HunYuanVL module names them
    model.vision_tower.* / model.language_model.* with a few renamed leaves. Candidates in order of preference."""
    out = []
    if k.startswith("vit."):
        rest = k[len("vit."):]
        r = rest
        for a, b in ((".input_layernorm.", ".layer_norm1."), (".post_attention_layernorm.", ".layer_norm2."),
                     (".mlp.dense_h_to_4h.", ".mlp.fc1."), (".mlp.dense_4h_to_h.", ".mlp.fc2.")):
            if r.startswith("layers."):
                r = r.replace(a, b)
        if r.startswith("perceive."):
            r = "patch_merger." + r[len("perceive."):]
            r = r.replace("patch_merger.proj.0.", "patch_merger.proj_conv.").replace("patch_merger.proj.2.",
                                                                                       "patch_merger.proj_out.")
        for prefix in ("model.vision_tower.", "model.visual.", "vision_tower.", "visual.", "model.vit.", "vit."):
            out += [prefix + r, prefix + rest]
    elif k.startswith("model."):
        rest = k[len("model."):]
        out += ["model.language_model." + rest, "language_model.model." + rest, "model." + rest]
    out.append(k)
    seen = set()
    return [x for x in out if not (x in seen or seen.add(x))]


def hf_classes():
    """(transformers module, model class, config class, HunyuanVL names) or raises ImportError / LookupError."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import transformers
    names = [n for n in dir(transformers) if "hunyuanvl" in n.lower()]
    cls = getattr(transformers, "HunYuanVLForConditionalGeneration", None) or next(
        (getattr(transformers, n) for n in names if n.endswith("ForConditionalGeneration")), None)
    cfg_cls = getattr(transformers, "HunYuanVLConfig", None) or next(
        (getattr(transformers, n) for n in names if n.endswith("VLConfig")), None)
    if cls is None or cfg_cls is None:
        raise LookupError("transformers %s has no HunyuanVL model class" % transformers.__version__)
    return transformers, cls, cfg_cls, names


def hf_config(man, cfg_cls, info):
    """A HunYuanVLConfig equal to the bundle's architecture (a few spellings of the XD-RoPE parameters are tried)."""
    a, v = man["architecture"]["llm"], man["architecture"]["vision"]
    st = man["special_tokens"]
    text = dict(vocab_size=a["vocab_size"], hidden_size=a["hidden_size"], intermediate_size=a["intermediate_size"],
                num_hidden_layers=a["num_layers"], num_attention_heads=a["num_heads"],
                num_key_value_heads=a["num_kv_heads"], head_dim=a["head_dim"],
                max_position_embeddings=a["max_position_embeddings"], rms_norm_eps=1e-5, hidden_act="silu",
                tie_word_embeddings=True, attention_bias=False, bos_token_id=st["bos"],
                eos_token_id=list(st["eos"]), pad_token_id=0)
    vision = dict(hidden_size=v["hidden_size"], intermediate_size=v["intermediate_size"],
                  num_attention_heads=v["num_heads"], num_hidden_layers=v["num_layers"], patch_size=v["patch_size"],
                  max_image_size=v["position_table_side"] * v["patch_size"],
                  spatial_merge_size=man["preprocessing"]["merge_size"], out_hidden_size=a["hidden_size"],
                  text_hidden_size=a["hidden_size"], rms_norm_eps=1e-5, hidden_act="gelu")
    rope = dict(rope_theta=a["rope_theta"], alpha=a["xdrope_alpha"], xdrope_section=list(a["xdrope_section"]))
    attempts = [("rope_parameters xdrope", dict(text, rope_parameters=dict(rope, rope_type="xdrope", factor=1.0))),
                ("rope_parameters dynamic", dict(text, rope_parameters=dict(rope, rope_type="dynamic", factor=1.0,
                                                                            mrope_section=rope["xdrope_section"]))),
                ("legacy rope_scaling", dict(text, rope_theta=a["rope_theta"],
                                             rope_scaling=dict(type="xdrope", alpha=a["xdrope_alpha"], factor=1.0,
                                                               xdrope_section=rope["xdrope_section"])))]
    errors = []
    for label, t in attempts:
        try:
            cfg = cfg_cls(text_config=copy.deepcopy(t), vision_config=dict(vision), image_token_id=st["image_token"],
                          im_start_id=st["image_start"], im_end_id=st["image_end"],
                          im_newline_id=st["image_newline"], tie_word_embeddings=True)
        except Exception as e:  # noqa: BLE001
            errors.append("%s: %s" % (label, short(e, 300)))
            continue
        info.update(config_variant=label, config_errors=errors,
                    rope_parameters=getattr(getattr(cfg, "text_config", cfg), "rope_parameters", None))
        return cfg
    raise RuntimeError("no config variant was accepted: %s" % errors)


def hf_model(torch, cls, cfg, dev, dt, info, attn="sdpa"):
    def build():
        try:  # the documented way to pick the attention kernels and dtype at construction
            return cls._from_config(cfg, attn_implementation=attn, dtype=dt), "_from_config"
        except TypeError:
            return cls._from_config(cfg, attn_implementation=attn, torch_dtype=dt), "_from_config(torch_dtype)"
        except Exception as e:  # noqa: BLE001
            info["from_config_error"] = short(e, 300)
            return cls(cfg), "constructor"

    t = time.time()
    if hasattr(torch, "get_default_device"):  # torch >= 2.3: parameters are created on the device
        with torch.device(dev):
            model, how = build()
    else:
        model, how = build()
    if dev.type != "meta":
        # the dtype was set at construction; .to(dtype) would also cast float32 buffers such as rotary inv_freq
        model = model.to(dev) if how.startswith("_from_config") else model.to(dev, dt)
    model.eval()
    info.update(built_with=how, build_s=round(time.time() - t, 1), attn_implementation={
        "model": getattr(model.config, "_attn_implementation", None),
        "text": getattr(getattr(model.config, "text_config", None), "_attn_implementation", None),
        "vision": getattr(getattr(model.config, "vision_config", None), "_attn_implementation", None)})
    return model


def hf_load_weights(torch, model, state_dict, info):
    """Copies the bundle's state dict (checkpoint names) into the transformers model (its names); records what did
    not map. On the meta device only the names and shapes are matched."""
    target = model.state_dict()
    mapped, unmapped = {}, []
    with torch.no_grad():
        for k, w in state_dict.items():
            if k in ("rope_inv_freq", "rope_axis"):  # buffers computed from the config on both sides
                continue
            hit = next((n for n in hf_key_candidates(k) if n in target and tuple(target[n].shape) == tuple(w.shape)),
                       None)
            if hit is None:
                unmapped.append(k)
                continue
            if target[hit].device.type != "meta":
                target[hit].copy_(w.to(target[hit].device, target[hit].dtype))
            mapped[hit] = k
        lm = target.get("lm_head.weight")
        emb_name = next((n for n in mapped if n.endswith("embed_tokens.weight")), None)
        if lm is not None and emb_name is not None and "lm_head.weight" not in mapped:
            if lm.device.type != "meta" and lm.data_ptr() != target[emb_name].data_ptr():
                lm.copy_(target[emb_name])
            mapped["lm_head.weight"] = "(tied to %s)" % emb_name
    not_filled = [n for n in target if n not in mapped and not n.endswith("inv_freq")]
    info.update(keys_mapped=len(mapped), bundle_keys_unmapped=unmapped[:40], model_keys_not_filled=not_filled[:40],
                weights_complete=not unmapped and not not_filled)
    return not unmapped and not not_filled


def leg_transformers(c):
    torch, hy = c.torch, c.hy
    try:
        transformers, cls, cfg_cls, names = hf_classes()
    except ImportError as e:
        return dict(status="skipped", why="transformers does not import: %s" % short(e, 300))
    except LookupError as e:
        return dict(status="skipped", why=str(e))
    info = dict(transformers=transformers.__version__, classes=names)
    st = c.man["special_tokens"]
    cfg = hf_config(c.man, cfg_cls, info)
    attn = "sdpa"
    model = hf_model(torch, cls, cfg, c.dev, hy.DTYPES[c.man["dtype"]], info, attn)
    hf_load_weights(torch, model, c.module.state_dict(), info)
    unmapped = info["bundle_keys_unmapped"]
    # one page at the prefill leg's shape, N new tokens
    grid = c.sz["page_grid"]
    n_new = c.sz["hf_tokens"]
    px, ids, pos = c.page_inputs(grid, "parse", seed=3)
    ids_t = torch.tensor([ids], dtype=torch.long, device=c.dev)
    inputs = dict(input_ids=ids_t, attention_mask=torch.ones_like(ids_t),
                  pixel_values=torch.from_numpy(px).to(c.dev),
                  image_grid_thw=torch.tensor([[1, grid[0], grid[1]]], dtype=torch.long, device=c.dev),
                  mm_token_type_ids=(ids_t == st["image_token"]).to(torch.int32))

    def generate(n):
        with torch.no_grad():
            c.sync()
            t0 = time.perf_counter()
            out = model.generate(**inputs, max_new_tokens=n, min_new_tokens=n, do_sample=False, pad_token_id=0)
            c.sync()
            return time.perf_counter() - t0, out[0, ids_t.shape[1]:].tolist()

    generate(2)  # warm-up
    t_short = min(generate(2)[0] for _ in range(2))
    runs = [generate(n_new) for _ in range(2)]
    t_full, hf_toks = min(runs, key=lambda r: r[0])
    per_token = (t_full - t_short) / max(1, len(hf_toks) - 2)
    # the runtime, same page, same number of tokens, one sequence (host loop as in Java)
    rt_runs = []
    for _ in range(2):  # best of 2: the first also pays the executor's specialisations for new widths
        c.sync()
        t0 = time.perf_counter()
        rt_toks, _ = c.greedy_runtime(c.module, c.man_nostop, px, grid, ids, pos, n_new, c.sz["prefill_chunk"])
        c.sync()
        rt_runs.append(time.perf_counter() - t0)
    rt_s = min(rt_runs)
    agree = next((i for i in range(min(len(rt_toks), len(hf_toks))) if rt_toks[i] != hf_toks[i]),
                 min(len(rt_toks), len(hf_toks)))
    shape = "grid %dx%d, %d prompt tokens, %d new tokens, batch 1" % (grid[0], grid[1], len(ids), len(hf_toks))
    c.rep.figure("runtime_page_s_batch_1", rt_s, "s", "greedy_runtime through model.pt, best of 2, " + shape)
    c.rep.figure("transformers_page_s", t_full, "s", "transformers %s %s.generate (%s attention), best of 2, %s%s"
                 % (transformers.__version__, cls.__name__, attn, shape,
                    "" if info["weights_complete"] else "; weights INCOMPLETE (%d bundle keys unmapped)"
                    % len(unmapped)))
    c.rep.figure("transformers_decode_ms_per_token", per_token * 1e3, "ms",
                 "(generate %d tokens - generate 2 tokens) / %d, best of 2 each"
                 % (len(hf_toks), max(1, len(hf_toks) - 2)))
    c.rep.figure("transformers_vs_runtime_page_ratio", t_full / rt_s, "x",
                 "transformers_page_s / runtime_page_s_batch_1")
    info.update(new_tokens=len(hf_toks), generate_2_tokens_s=round(t_short, 3),
                greedy_prefix_agreement=agree,
                agreement_note="informational: transformers interpolates the ViT position table by size (the bundle by "
                               "scale factor, as vLLM) and its rotary recomposition splits head_dim into "
                               "len(mrope_section) chunks of 2*section (the bundle: 2*len chunks of section, "
                               "hunyuanocr.md 5.3), which differ for image tokens; equal weights need not give equal "
                               "tokens")
    del model
    return info


def machine_info(c):
    torch = c.torch
    m = {"python": sys.version.split()[0], "torch": torch.__version__, "cuda": torch.version.cuda,
         "device": str(c.dev), "host_cpus": os.cpu_count(), "hostname": platform.node()}
    try:
        from importlib import metadata
        m["transformers"] = metadata.version("transformers")
    except Exception:  # noqa: BLE001
        m["transformers"] = None
    jit = {}
    for key, getter in (("graph_executor_optimize", "_get_graph_executor_optimize"),
                        ("profiling_executor", "_jit_get_profiling_executor"),
                        ("texpr_fuser", "_jit_texpr_fuser_enabled"), ("can_fuse_on_gpu", "_jit_can_fuse_on_gpu")):
        try:
            jit[key] = bool(getattr(torch._C, getter)())
        except Exception:  # noqa: BLE001
            pass
    m["torchscript"] = jit  # libtorch defaults, which DJL keeps: the same executor runs model.pt in Java
    if c.cuda:
        p = torch.cuda.get_device_properties(c.dev)
        m.update(gpu=p.name, gpu_memory_gib=round(p.total_memory / 2 ** 30, 1), sm_count=p.multi_processor_count,
                 capability="%d.%d" % (p.major, p.minor))
        try:
            q = subprocess.run(["nvidia-smi", "--query-gpu=driver_version,clocks.max.memory,power.limit",
                                "--format=csv,noheader", "-i", str(c.dev.index or 0)], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, timeout=20)
            m["nvidia_smi"] = q.stdout.decode().strip()
        except Exception:  # noqa: BLE001
            pass
        m["name"] = "%s (%.0f GiB), CUDA %s, torch %s" % (p.name, p.total_memory / 2 ** 30, torch.version.cuda,
                                                           torch.__version__)
    else:
        cpu = platform.processor() or platform.machine()
        try:
            with open("/proc/cpuinfo") as f:
                cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), cpu)
        except OSError:
            pass
        m["cpu"] = cpu
        m["name"] = "CPU %s, %d cores, torch %s" % (cpu, os.cpu_count() or 0, torch.__version__)
    return m


def cmd_run(args):
    c = Check(args)
    torch = c.torch
    torch.set_grad_enabled(False)
    if c.dev.type == "cpu":
        torch.set_num_threads(max(1, os.cpu_count() or 1))
    elif not torch.cuda.is_available():
        c.cuda = False
        c.rep.data["machine"] = machine_info(c)
        c.rep.leg("setup", status="failed", error="torch %s sees no CUDA device" % torch.__version__)
        print("torch %s sees no CUDA device" % torch.__version__, file=sys.stderr)
        return 3
    elif c.dev.index is None:  # several torch.cuda calls want an index
        c.dev = torch.device("cuda", torch.cuda.current_device())
    c.rep.data["machine"] = machine_info(c)
    print("machine: %s" % c.rep.data["machine"]["name"], flush=True)
    if c.leg("setup", 0, lambda: leg_setup(c)) is None or c.module is None:
        return 4
    smoke = c.mode == "smoke"
    c.leg("bandwidth", 2 if smoke else 10, lambda: leg_bandwidth(c))
    c.leg("matmul", 2 if smoke else 10, lambda: leg_matmul(c))
    c.leg("vision", 3 if smoke else 20, lambda: leg_vision(c))
    c.leg("prefill", 3 if smoke else 15, lambda: leg_prefill(c))
    c.leg("decode", 5 if smoke else 40, lambda: leg_decode(c))
    c.leg("derived", 0, lambda: leg_derived(c))
    c.leg("correctness", 10 if smoke else 40, lambda: leg_correctness(c))
    # transformers first: chunked_compare re-exports on the CPU, and the budget may run out during it
    c.leg("transformers", 10 if smoke else 60, lambda: leg_transformers(c))
    c.leg("chunked_compare", 20 if smoke else 90, lambda: leg_chunked_compare(c))
    c.rep.leg("run", status="done", seconds=round(time.time() - c.rep.t0, 1))
    return 0


# ------------------------------------------------------------------------------------------------------------------
# summarize (no torch)
# ------------------------------------------------------------------------------------------------------------------

def read_kv(path):
    d = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if "=" in line:
                k, v = line.split("=", 1)
                try:
                    v = int(v) if v.lstrip("-").isdigit() else v
                except ValueError:
                    pass
                d[k] = v
    return d


def tail(path, n=2000):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read()[-n:]
    except OSError:
        return None


def cmd_summarize(args):
    out = args.out_dir
    try:
        with open(os.path.join(out, "python-leg.json"), encoding="utf-8") as f:
            py = json.load(f)
    except (OSError, ValueError) as e:
        py = {"machine": {}, "figures": [], "legs": {}, "error": "python-leg.json unreadable: %s" % e}
    res = {"machine": py.get("machine") or {}, "mode": args.mode, "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
           "commit": args.commit, "figures": list(py.get("figures") or []), "legs": {}}
    legs_dir = os.path.join(out, "legs")
    shell = {}
    if os.path.isdir(legs_dir):
        for fn in sorted(os.listdir(legs_dir)):
            if fn.endswith(".env"):
                shell[fn[:-4]] = read_kv(os.path.join(legs_dir, fn))
    for name, d in shell.items():
        if d.get("status") not in ("ok", "reused", "skipped") and name != "env":
            d["log_tail"] = tail(os.path.join(out, "logs", name + ".log"))
    if "devicecheck" in shell:
        try:
            with open(os.path.join(out, "logs", "devicecheck.log"), encoding="utf-8") as f:
                text = f.read()
            shell["devicecheck"]["report"] = json.loads(text[text.index("{"):text.rindex("}") + 1])
        except (OSError, ValueError):
            pass
    if "java" in shell:
        try:
            with open(os.path.join(out, "java-runtime.json"), encoding="utf-8") as f:
                shell["java"]["figures"] = json.load(f).get("figures")
        except (OSError, ValueError):
            pass
    env = shell.pop("env", None)
    if env:
        res["machine"]["shell_env"] = env
        if not res["machine"].get("name") and env.get("gpu"):
            res["machine"]["name"] = env["gpu"]
    python = shell.pop("python", {})
    python["elapsed_s"] = py.get("elapsed_s")
    if py.get("error"):
        python["error"] = py["error"]
    res["legs"].update(shell)  # export, devicecheck, java
    res["legs"]["python"] = python  # device_check.py run as a whole; its own legs follow
    for name, d in (py.get("legs") or {}).items():
        res["legs"][name if name not in res["legs"] else "python_" + name] = d
    with open(args.json, "w", encoding="utf-8") as f:
        json.dump(res, f, indent=1, ensure_ascii=False)
        f.write("\n")
    # console summary
    print("\n== device check (%s) on %s" % (args.mode, res["machine"].get("name", "?")))
    for fig in res["figures"]:
        v = fig["value"]
        print("  %-44s %12s %-9s %s" % (fig["name"], "-" if v is None else "%.4g" % v, fig["unit"], fig["note"][:100]))
    for name, d in res["legs"].items():
        if isinstance(d, dict):
            st = d.get("status", "?")
            why = d.get("why") or d.get("error") or ""
            print("  leg %-18s %-10s %s" % (name, st, str(why)[:160]))
    corr = res["legs"].get("correctness", {})
    ok = res["legs"]["python"].get("status") == "ok" and res["legs"].get("setup", {}).get("status") == "ok"
    if corr.get("match") is False:
        print("  CORRECTNESS MISMATCH: first divergence at step %s (%s)" % (corr.get("first_divergence"),
                                                                           corr.get("divergence_reading", "")))
    if args.mode == "smoke":
        ok = ok and corr.get("match") is True
    print("  results: %s (%s)" % (args.json, "ok" if ok else "NOT OK"))
    return 0 if ok else 1


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run", help="measure a bundle")
    r.add_argument("--bundle", required=True)
    r.add_argument("--json", required=True, help="result file, rewritten after every figure")
    r.add_argument("--device", default="cuda")
    r.add_argument("--smoke", action="store_true", help="tiny sizes (grids 8x8.., context 64, batch 1/2), CPU")
    r.add_argument("--budget-s", type=float, default=300.0, help="legs that would end past this are skipped")
    r.add_argument("--compare-chunked", choices=["auto", "always", "never"], default="auto",
                   help="re-export with --attention chunked and compare: auto = only for sdpa bundles")
    s = sub.add_parser("summarize", help="merge the shell legs and the python leg into one JSON")
    s.add_argument("--out-dir", required=True)
    s.add_argument("--json", required=True)
    s.add_argument("--mode", default="gpu")
    s.add_argument("--commit", default=None)
    args = ap.parse_args(argv)
    warnings.simplefilter("ignore", DeprecationWarning)  # torch >= 2.9 warns on every torch.jit call
    warnings.simplefilter("ignore", FutureWarning)
    return cmd_run(args) if args.cmd == "run" else cmd_summarize(args)


if __name__ == "__main__":
    sys.exit(main())
