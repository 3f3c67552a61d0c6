#!/usr/bin/env python3
"""`hunyuan_ocr.py preprocess` for many files and every page, in one process: the Pillow side of the pixel-parity
tests (and of `bin/scriptorium inspect-image` comparisons on your own scans).

    /usr/bin/python3 model-loader/export/pillow_pages.py --bundle BUNDLE [--rgb-dir D] [--resized-dir D] FILE...

For every page (every image of a TIFF; the first frame of anything else, as the pipeline reads them) prints one JSON
line with `file` (as given), `page` (1-based), `format` and the keys `hunyuan_ocr.py preprocess` prints for the same
image and bundle (`original`, `resized`, `grid`, `num_image_tokens`, `pixel_values_shape`, `pixel_values_sha256`),
computed by the same function, `preprocess_image`, on the opened image (Image.open, seek to the page). A page Pillow
refuses prints `error_class` (`decompression_bomb` for DecompressionBombError, `image_rejected` for the aspect-ratio
limit, else `error`) and `error`. With --rgb-dir / --resized-dir, also writes the page's `convert("RGB")` bytes and
its resized RGB bytes (raw, row-major R, G, B) to `<dir>/<n>.rgb`, n counting output lines from 0. Needs what
hunyuan_ocr.py needs (torch, numpy, Pillow).
"""
import argparse
import json
import os
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hunyuan_ocr as H  # noqa: E402
from PIL import Image  # noqa: E402


def pages(path):
    """Yields (page number, the file opened at that page). Each page is opened afresh: after n_frames, Pillow 9.4
    cannot load the first page of a TIFF whose pages mix modes (ValueError "unrecognized image mode")."""
    with Image.open(path) as im:
        count = getattr(im, "n_frames", 1) if im.format == "TIFF" else 1
    for i in range(count):
        with Image.open(path) as im:
            im.seek(i)
            yield i + 1, im


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bundle", required=True, help="bundle directory (only its manifest.json is read)")
    ap.add_argument("--rgb-dir", help="write each page's convert('RGB') bytes here")
    ap.add_argument("--resized-dir", help="write each page's resized RGB bytes here")
    ap.add_argument("files", nargs="+")
    a = ap.parse_args(argv)
    pp = H.load_manifest(a.bundle)["preprocessing"]
    n = 0
    for path in a.files:
        try:
            for page, im in pages(path):
                line = {"file": path, "page": page, "format": (im.format or "").lower()}
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                        if a.rgb_dir:
                            with open(os.path.join(a.rgb_dir, "%d.rgb" % n), "wb") as f:
                                f.write(im.convert("RGB").tobytes())
                        resized, px, (gh, gw), (w, h) = H.preprocess_image(im, pp)
                    if a.resized_dir:
                        with open(os.path.join(a.resized_dir, "%d.rgb" % n), "wb") as f:
                            f.write(resized.tobytes())
                    line.update({"original": [w, h], "resized": list(resized.size), "grid": [gh, gw],
                                 "num_image_tokens": H.num_image_tokens(gh, gw),
                                 "pixel_values_shape": list(px.shape),
                                 "pixel_values_sha256": H.pixels_sha256(px)})
                except ValueError as e:
                    if "aspect ratio" not in str(e):
                        raise
                    line.update({"error_class": "image_rejected", "error": str(e)})
                print(json.dumps(line), flush=True)
                n += 1
        except Image.DecompressionBombError as e:
            print(json.dumps({"file": path, "page": 1, "error_class": "decompression_bomb", "error": str(e)}),
                  flush=True)
            n += 1
        except Exception as e:  # noqa: BLE001 - one bad file must not hide the others' results
            error = "%s: %s" % (type(e).__name__, e)
            print(json.dumps({"file": path, "page": 1, "error_class": "error", "error": error}), flush=True)
            n += 1


if __name__ == "__main__":
    main()
