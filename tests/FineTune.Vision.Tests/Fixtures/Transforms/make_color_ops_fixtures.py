#!/usr/bin/python3
"""Reference outputs of Pillow's colour operations for ColorOpsTests.

Run with Debian's interpreter and packages (python3-pil, python3-skimage):
    /usr/bin/python3 make_color_ops_fixtures.py
Input: scikit-image's "chelsea" photograph (CC0 by the photographer, Stefan van der Walt; see
skimage/data/_fetchers.py), downscaled to 48x32 with Pillow's bicubic filter, plus a low-contrast copy (for equalize, autocontrast, contrast and color only).
Output: raw interleaved RGB8 files (no header) and color_ops.txt, one case per line: input op arg output.
"""
import os
import PIL
from PIL import Image, ImageOps, ImageEnhance
from skimage import data

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "color_ops")
W, H = 48, 32


def solarize_add(img, add, thresh=128):
    # timm.data.auto_augment.solarize_add
    lut = [min(255, i + add) if i < thresh else i for i in range(256)]
    return img.point(lut * 3)


def main():
    os.makedirs(OUT, exist_ok=True)
    photo = Image.fromarray(data.chelsea()).convert("RGB").resize((W, H), Image.BICUBIC)
    low = photo.point(lambda v: 70 + v // 3)
    inputs = {"photo": photo, "low": low}
    for name, img in inputs.items():
        with open(os.path.join(OUT, name + ".rgb"), "wb") as f:
            f.write(img.tobytes())

    cases = [("invert", None, ImageOps.invert)]
    cases += [("posterize", b, lambda im, b=b: ImageOps.posterize(im, b)) for b in (1, 2, 4, 7)]
    cases += [("solarize", t, lambda im, t=t: ImageOps.solarize(im, t)) for t in (26, 128, 76.5, 230)]
    cases += [("solarize_add", a, lambda im, a=a: solarize_add(im, a)) for a in (33, 110)]
    cases += [("equalize", None, ImageOps.equalize), ("autocontrast", None, ImageOps.autocontrast)]
    enhancers = {"brightness": ImageEnhance.Brightness, "contrast": ImageEnhance.Contrast,
                 "color": ImageEnhance.Color, "sharpness": ImageEnhance.Sharpness}
    for op, cls in enhancers.items():
        for factor in (0.1, 0.37, 0.6, 1.45, 1.9, 1.99):
            cases.append((op, factor, lambda im, cls=cls, factor=factor: cls(im).enhance(factor)))

    lines = ["# Pillow %s; input op arg output (raw RGB8, %dx%d)" % (PIL.__version__, W, H)]
    for input_name, img in inputs.items():
        for op, arg, fn in cases:
            if input_name == "low" and op not in ("equalize", "autocontrast", "contrast", "color"):
                continue
            out_name = "%s_%s_%s.rgb" % (input_name, op, "" if arg is None else arg)
            with open(os.path.join(OUT, out_name), "wb") as f:
                f.write(fn(img).tobytes())
            lines.append("%s %s %s %s" % (input_name, op, "-" if arg is None else arg, out_name))
    with open(os.path.join(OUT, "color_ops.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
