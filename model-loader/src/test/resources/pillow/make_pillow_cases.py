#!/usr/bin/python3
"""Small Pillow expectations for the Java preprocessing unit tests (Debian Pillow 9.4).

Run from this directory: /usr/bin/python3 make_pillow_cases.py
Writes bicubic/<case>.in.png and .out.png (RGB, Pillow Image.resize BICUBIC) and convert/<case>.png with
.rgb.png (Pillow convert('RGB')), and cases.json listing them.
"""
import json, os, PIL
import numpy as np
from PIL import Image

rng = np.random.default_rng(7)
os.makedirs("bicubic", exist_ok=True)
os.makedirs("convert", exist_ok=True)
cases = {"pillow": PIL.__version__, "bicubic": [], "convert": []}

def noise(w, h):
    return Image.fromarray(rng.integers(0, 256, (h, w, 3), dtype=np.uint8), "RGB")

def edges(w, h):
    a = np.zeros((h, w, 3), dtype=np.uint8)
    a[:, : w // 2] = 255          # hard edges make bicubic overshoot: exercises clip8
    a[h // 3 :, :, 1] = 40
    a[::3, ::2, 2] = 250
    return Image.fromarray(a, "RGB")

for name, img, size in [
    ("noise_down", noise(37, 23), (11, 7)),
    ("noise_up", noise(9, 6), (31, 17)),
    ("noise_mixed", noise(40, 12), (17, 45)),
    ("edges_down", edges(64, 48), (23, 19)),
    ("edges_up", edges(10, 10), (37, 29)),
    ("horizontal_only", noise(50, 9), (13, 9)),
    ("vertical_only", noise(9, 50), (9, 21)),
    ("one_pixel", noise(1, 1), (5, 3)),
    ("big_ratio", noise(301, 40), (32, 96)),
]:
    out = img.resize(size, Image.BICUBIC)
    img.save("bicubic/%s.in.png" % name)
    out.save("bicubic/%s.out.png" % name)
    cases["bicubic"].append({"name": name, "in": [img.width, img.height], "out": list(size)})

g = rng.integers(0, 256, (9, 13), dtype=np.uint8)
a = rng.integers(0, 256, (9, 13), dtype=np.uint8)
rgb = rng.integers(0, 256, (9, 13, 3), dtype=np.uint8)
convert_sources = {
    "gray_L": Image.fromarray(g, "L"),
    "gray_alpha_LA": Image.merge("LA", [Image.fromarray(g, "L"), Image.fromarray(a, "L")]),
    "rgba": Image.merge("RGBA", [Image.fromarray(rgb[..., i], "L") for i in range(3)] + [Image.fromarray(a, "L")]),
    "palette_P": Image.fromarray(rgb, "RGB").quantize(17),
    "bilevel_1": Image.fromarray(g, "L").convert("1"),
}
pt = Image.fromarray(rgb, "RGB").quantize(9)
pt.info["transparency"] = 3
convert_sources["palette_transparent_P"] = pt
for name, img in convert_sources.items():
    img.save("convert/%s.png" % name)
    with Image.open("convert/%s.png" % name) as back:
        back.convert("RGB").save("convert/%s.rgb.png" % name)
        cases["convert"].append({"name": name, "mode": back.mode})

with open("cases.json", "w") as f:
    json.dump(cases, f, indent=1)
print(json.dumps(cases))
