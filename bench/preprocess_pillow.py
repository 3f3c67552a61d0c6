#!/usr/bin/env python3
"""Pillow + numpy preprocessing throughput: the reference the Java preprocessing is compared with in
`bin/scriptorium bench --only preprocess`.

Same steps as the Java runtime (model-loader/BUNDLE_FORMAT.md "Preprocessing"): decode, convert to RGB,
smart_resize, Pillow BICUBIC resize, rescale (u8 * factor in float64, cast to float32), normalise with the
manifest's mean/std in float32, and cut row-major 16x16 patches into a contiguous [gh*gw, 768] float32 array,
exactly as model-loader/export/hunyuan_ocr.py's reference does (so the output is bit-identical to Java's).

    /usr/bin/python3 bench/preprocess_pillow.py --manifest BUNDLE/manifest.json --files LIST [--rounds 3] [--warmup 1]

LIST holds one image path per line. Prints one JSON object: pages, wall and CPU seconds of the measured rounds
(single thread, process CPU time), pages/s for both, library versions. Needs only Pillow and numpy
(Debian: python3-pil, python3-numpy).
"""

import argparse
import json
import math
import platform
import sys
import time

import numpy as np
import PIL
from PIL import Image


def smart_resize(height, width, pp):
    factor = pp["patch_size"] * pp["merge_size"]
    h = round(height / factor) * factor
    w = round(width / factor) * factor
    if h * w > pp["max_pixels"]:
        beta = math.sqrt(height * width / pp["max_pixels"])
        h = max(factor, math.floor(height / beta / factor) * factor)
        w = max(factor, math.floor(width / beta / factor) * factor)
    elif h * w < pp["min_pixels"]:
        beta = math.sqrt(pp["min_pixels"] / (height * width))
        h = math.ceil(height * beta / factor) * factor
        w = math.ceil(width * beta / factor) * factor
    return h, w


def preprocess(path, pp, mean, std, stages=None):
    """-> pixel_values [gh*gw, 768] float32; adds process CPU seconds per stage to ``stages`` when given."""
    t0 = time.process_time()
    with Image.open(path) as image:
        image.load()
        rgb = image.convert("RGB")
    t1 = time.process_time()
    width, height = rgb.size
    h, w = smart_resize(height, width, pp)
    if (w, h) != (width, height):
        rgb = rgb.resize((w, h), Image.BICUBIC)
    t2 = time.process_time()
    x = np.asarray(rgb, dtype=np.uint8)
    x = (x.astype(np.float64) * pp["rescale_factor"]).astype(np.float32)
    x = (x - mean) / std
    p = pp["patch_size"]
    gh, gw = h // p, w // p
    x = x.transpose(2, 0, 1).reshape(3, gh, p, gw, p).transpose(1, 3, 0, 2, 4).reshape(gh * gw, 3 * p * p)
    x = np.ascontiguousarray(x, dtype=np.float32)
    if stages is not None:
        stages["decode"] += t1 - t0
        stages["resize"] += t2 - t1
        stages["normalise_patchify"] += time.process_time() - t2
    return x


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--manifest", required=True, help="bundle manifest.json (its 'preprocessing' is used)")
    ap.add_argument("--files", required=True, help="text file, one image path per line")
    ap.add_argument("--rounds", type=int, default=3, help="measured passes over the files")
    ap.add_argument("--warmup", type=int, default=1, help="unmeasured passes first")
    args = ap.parse_args(argv)
    with open(args.manifest, encoding="utf-8") as f:
        pp = json.load(f)["preprocessing"]
    with open(args.files, encoding="utf-8") as f:
        files = [line.strip() for line in f if line.strip()]
    mean = np.array(pp["image_mean"], dtype=np.float32)
    std = np.array(pp["image_std"], dtype=np.float32)
    patches = 0
    stages = {"decode": 0.0, "resize": 0.0, "normalise_patchify": 0.0}
    for _ in range(args.warmup):
        for path in files:
            preprocess(path, pp, mean, std)
    wall0, cpu0 = time.perf_counter(), time.process_time()
    for _ in range(args.rounds):
        for path in files:
            patches += preprocess(path, pp, mean, std, stages).shape[0]
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    pages = len(files) * args.rounds
    json.dump({
        "pages": pages, "patches": patches, "wall_s": wall, "cpu_s": cpu,
        "pages_per_s_wall": pages / wall if wall > 0 else None,
        "pages_per_s_cpu": pages / cpu if cpu > 0 else None,
        "stage_cpu_ms_per_page": {k: 1000 * v / pages for k, v in stages.items()},
        "python": platform.python_version(), "pillow": PIL.__version__, "numpy": np.__version__,
    }, sys.stdout)
    print()


if __name__ == "__main__":
    main()
