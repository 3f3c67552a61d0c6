#!/usr/bin/env python3
"""Writes the small image corpus of the pixel-parity tests (PillowPixelsTest, inspect-image) into DIR.

    /usr/bin/python3 make_corpus.py DIR            # the committed files (needs Pillow, ImageMagick, tiffcp, cjpeg)
    /usr/bin/python3 make_corpus.py --icc ICC DIR  # only the files that embed the ICC profile ICC (Pillow only)

One synthetic 95 x 71 page (odd sizes on purpose: chroma and bit-packing edges), saved in every kind of file the
pipeline reads: PNG (RGB, RGBA, grey, grey+alpha, 1/2/4-bit, palette with tRNS, 16-bit, interlaced), JPEG (4:2:0,
4:2:2, 4:4:4, 4:4:0, 4:1:1, progressive, restart markers, arithmetic coding, RGB, grey, Adobe CMYK, Adobe YCCK),
TIFF (LZW, Deflate, PackBits, JPEG, YCbCr JPEG, CCITT G3 1-D/2-D and G4, min-is-black, tiled, CMYK, palette,
associated and unassociated alpha, 16-bit, multi-page with mixed compressions), BMP (24-bit, palette, 565, 32-bit),
GIF (animated: the first frame is the page) and WebP (lossless, lossy). The ICC files (RGB JPEG/PNG/TIFF and a
CMYK JPEG with a linear-RGB or any given profile) are written at test time, as the profile comes from the JVM.
"""
import os
import random
import subprocess
import sys

from PIL import Image, ImageDraw

W, H = 95, 71
CONVERT, TIFFCP, CJPEG = "/usr/bin/convert", "/usr/bin/tiffcp", "/usr/bin/cjpeg"


def page():
    rnd = random.Random(7)
    im = Image.new("RGB", (W, H))
    px = im.load()
    for y in range(H):
        for x in range(W):
            px[x, y] = (x * 255 // (W - 1), y * 255 // (H - 1), (x * 3 + y * 5) % 256)
    d = ImageDraw.Draw(im)
    for _ in range(9):
        x0, y0 = rnd.randrange(W - 10), rnd.randrange(H - 10)
        d.rectangle([x0, y0, x0 + rnd.randrange(3, 30), y0 + rnd.randrange(3, 20)],
                    fill=(rnd.randrange(256), rnd.randrange(256), rnd.randrange(256)))
    d.text((4, 4), "Scriptorium 42", fill=(0, 0, 0))
    d.text((4, 52), "pixels", fill=(255, 255, 255))
    return im


def run(*args):
    subprocess.run(list(args), check=True)


def committed(out):
    p = lambda name: os.path.join(out, name)
    rgb = page()
    alpha = Image.linear_gradient("L").resize((W, H)).rotate(90)
    rgba = rgb.copy()
    rgba.putalpha(alpha)
    grey = rgb.convert("L")
    palette = rgb.quantize(64)
    small_palette = rgb.quantize(16)

    rgb.save(p("png-rgb.png"))
    rgba.save(p("png-rgba.png"))
    grey.save(p("png-grey.png"))
    la = grey.copy().convert("LA")
    la.putalpha(alpha)
    la.save(p("png-grey-alpha.png"))
    rgb.convert("1").save(p("png-bilevel.png"))
    palette.save(p("png-palette.png"))
    small_palette.save(p("png-palette-trns.png"), transparency=bytes(range(0, 256, 16)))
    grey.save(p("png-grey-trns.png"), transparency=128)
    rgb.save(p("png-rgb-trns.png"), transparency=(255, 255, 255))
    run(CONVERT, p("png-rgb.png"), "-depth", "16", "-evaluate", "add", "97", p("png-rgb16.png"))
    run(CONVERT, p("png-rgba.png"), "-depth", "16", "-evaluate", "add", "97", p("png-rgba16.png"))
    run(CONVERT, p("png-grey.png"), "-depth", "16", "-evaluate", "add", "97", p("png-grey16.png"))
    run(CONVERT, p("png-grey.png"), "-depth", "4", "-define", "png:bit-depth=4", "-define", "png:color-type=0",
        p("png-grey4.png"))
    run(CONVERT, p("png-rgb.png"), "-colors", "4", "-depth", "2", "-define", "png:bit-depth=2",
        "-define", "png:color-type=3", p("png-palette2.png"))
    run(CONVERT, p("png-rgb.png"), "-interlace", "PNG", p("png-interlaced.png"))

    rgb.save(p("jpeg-420.jpg"), quality=90)
    rgb.save(p("jpeg-422.jpg"), quality=90, subsampling=1)
    rgb.save(p("jpeg-444.jpg"), quality=90, subsampling=0)
    rgb.save(p("jpeg-progressive.jpg"), quality=90, progressive=True)
    grey.save(p("jpeg-grey.jpg"), quality=90)
    rgb.convert("CMYK").save(p("jpeg-cmyk-adobe.jpg"), quality=90)
    run(CONVERT, p("png-rgb.png"), "-colorspace", "CMYK", "-quality", "90", p("jpeg-ycck-adobe.jpg"))
    ppm = p("page.ppm")
    rgb.save(ppm)
    run(CJPEG, "-quality", "85", "-sample", "1x2", "-outfile", p("jpeg-440.jpg"), ppm)
    run(CJPEG, "-quality", "85", "-sample", "4x1", "-outfile", p("jpeg-411.jpg"), ppm)
    run(CJPEG, "-quality", "85", "-progressive", "-restart", "1", "-outfile", p("jpeg-progressive-restart.jpg"), ppm)
    run(CJPEG, "-quality", "85", "-arithmetic", "-outfile", p("jpeg-arithmetic.jpg"), ppm)
    run(CJPEG, "-quality", "85", "-rgb", "-outfile", p("jpeg-rgb.jpg"), ppm)
    os.remove(ppm)

    rgb.save(p("tiff-lzw.tif"), compression="tiff_lzw")
    rgb.save(p("tiff-deflate.tif"), compression="tiff_adobe_deflate")
    rgb.save(p("tiff-packbits.tif"), compression="packbits")
    rgb.save(p("tiff-jpeg.tif"), compression="jpeg", quality=90)
    run(TIFFCP, "-c", "jpeg:90", "-r", "16", p("tiff-lzw.tif"), p("tiff-jpeg-ycbcr.tif"))
    rgb.convert("1").save(p("tiff-g4.tif"), compression="group4")
    rgb.convert("1").save(p("tiff-g3.tif"), compression="group3")
    run(TIFFCP, "-c", "g3:2d:fill", p("tiff-g4.tif"), p("tiff-g3-2d.tif"))
    run(CONVERT, p("png-rgb.png"), "-monochrome", "-compress", "group4", p("tiff-g4-miniswhite.tif"))
    run(CONVERT, p("png-grey.png"), "-define", "quantum:polarity=min-is-white", "-compress", "none",
        p("tiff-grey-miniswhite.tif"))
    run(TIFFCP, "-c", "lzw", "-t", "-w", "32", "-l", "32", p("tiff-lzw.tif"), p("tiff-tiled.tif"))
    rgb.convert("CMYK").save(p("tiff-cmyk.tif"), compression="tiff_lzw")
    palette.save(p("tiff-palette.tif"))
    grey.save(p("tiff-grey.tif"), compression="tiff_lzw")
    rgba.save(p("tiff-rgba.tif"), compression="tiff_lzw")
    run(CONVERT, p("png-rgba.png"), "-define", "tiff:alpha=associated", "-compress", "lzw", p("tiff-rgba-associated.tif"))
    run(CONVERT, p("png-rgb.png"), "-depth", "16", "-evaluate", "add", "97", "-compress", "lzw", p("tiff-rgb16.tif"))
    run(TIFFCP, "-r", "16", p("tiff-lzw.tif"), p("tiff-g4.tif"), p("tiff-jpeg.tif"), p("tiff-palette.tif"),
        p("tiff-multipage.tif"))

    rgb.save(p("bmp-rgb.bmp"))
    palette.save(p("bmp-palette.bmp"))
    run(CONVERT, p("png-rgb.png"), "-define", "bmp:subtype=RGB565", p("bmp-565.bmp"))
    run(CONVERT, p("png-rgba.png"), "-define", "bmp:format=bmp4", p("bmp-rgba32.bmp"))
    small_palette.save(p("gif-animated.gif"), save_all=True, append_images=[rgb.rotate(180).quantize(16)],
                       transparency=0, duration=100)
    rgb.save(p("webp-lossless.webp"), lossless=True)
    rgb.save(p("webp-lossy.webp"), quality=90)


def with_icc(out, icc_path):
    p = lambda name: os.path.join(out, name)
    icc = open(icc_path, "rb").read()
    rgb = page()
    space = icc[16:20]
    if space == b"CMYK":
        rgb.convert("CMYK").save(p("icc-cmyk.jpg"), quality=90, icc_profile=icc)
        rgb.convert("CMYK").save(p("icc-cmyk.tif"), compression="tiff_lzw", icc_profile=icc)
    else:
        rgb.save(p("icc-rgb.jpg"), quality=90, icc_profile=icc)
        rgb.save(p("icc-rgb.png"), icc_profile=icc)
        rgb.save(p("icc-rgb.tif"), compression="tiff_lzw", icc_profile=icc)


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--icc"]:
        os.makedirs(args[2], exist_ok=True)
        with_icc(args[2], args[1])
    else:
        os.makedirs(args[0], exist_ok=True)
        committed(args[0])
