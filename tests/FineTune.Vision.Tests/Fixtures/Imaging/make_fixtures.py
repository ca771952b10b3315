#!/usr/bin/python3
"""Makes the Imaging test fixtures. Run with Debian's interpreter: /usr/bin/python3 make_fixtures.py

Needs Debian's python3-pil (the peer whose resize output our resampler must match) and python3-skimage
(source of the public-domain / CC0 test photographs, see README.md). Writes everything next to this script.
"""
import os
import numpy as np
from PIL import Image
import skimage

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(os.path.dirname(skimage.__file__), "data")
PHOTOS = ["astronaut", "coffee", "chelsea"]          # public domain (NASA), CC0, CC0
SOURCE_SIZE = (96, 64)
TARGETS = {"down": (40, 27), "up": (200, 133), "mixed": (150, 40)}
FILTERS = {"bilinear": Image.BILINEAR, "bicubic": Image.BICUBIC, "nearest": Image.NEAREST}


def out(*parts):
    path = os.path.join(HERE, *parts)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return path


def make_resize_fixtures():
    for name in PHOTOS:
        photo = Image.open(os.path.join(DATA, name + ".png")).convert("RGB")
        src = photo.resize(SOURCE_SIZE, Image.LANCZOS)
        src.save(out("resize", f"{name}.png"))
        for fname, flt in FILTERS.items():
            for tname, size in TARGETS.items():
                src.resize(size, flt).save(out("resize", f"{name}.{fname}.{tname}.png"))


def save_expected(img, stem):
    img.convert("RGB").save(out("decode", stem + ".expected.png"))


def make_decode_fixtures():
    rng = np.random.default_rng(0)
    base = Image.open(os.path.join(DATA, "chelsea.png")).convert("RGB").resize((24, 16), Image.LANCZOS)

    gray = base.convert("L")
    gray.save(out("decode", "gray.png")); save_expected(gray, "gray")

    pal = base.quantize(colors=16)
    pal.save(out("decode", "palette.png")); save_expected(pal, "palette")

    rgba = base.copy()
    rgba.putalpha(Image.fromarray(rng.integers(0, 256, (16, 24), dtype=np.uint8)))
    rgba.save(out("decode", "rgba.png")); save_expected(rgba, "rgba")   # alpha dropped, as convert("RGB")

    base.save(out("decode", "rgb24.bmp")); save_expected(base, "rgb24")
    base.save(out("decode", "lossless.webp"), lossless=True); save_expected(base, "lossless")

    frame0 = base.quantize(colors=32)
    frame1 = Image.new("RGB", base.size, (255, 0, 0)).quantize(colors=2)
    frame0.save(out("decode", "animated.gif"), save_all=True, append_images=[frame1], duration=100, loop=0)
    save_expected(frame0, "animated")
    # Animated WebP (lossless, two frames): Skia decodes frame 0, ImageSharp 2.x refuses animated WebP.
    frame0.save(out("decode", "animated.webp"), save_all=True, append_images=[frame1], duration=100, lossless=True)

    # CMYK JPEG: flat 8x8-aligned blocks with K = 0, where every CMYK->RGB convention gives (255-C, 255-M, 255-Y).
    cmyk = np.zeros((16, 24, 4), dtype=np.uint8)
    colours = [(0, 0, 0), (255, 0, 0), (0, 255, 0), (0, 0, 255), (128, 64, 32), (30, 200, 90)]
    for i, (c, m, y) in enumerate(colours):
        bx, by = (i % 3) * 8, (i // 3) * 8
        cmyk[by:by + 8, bx:bx + 8, :3] = (c, m, y)
    Image.fromarray(cmyk, "CMYK").save(out("decode", "cmyk.jpg"), quality=100)
    Image.fromarray(255 - cmyk[:, :, :3], "RGB").save(out("decode", "cmyk.expected.png"))

    base.save(out("decode", "photo.jpg"), quality=90)
    save_expected(Image.open(out("decode", "photo.jpg")), "photo")   # libjpeg-turbo's decode, for a tolerance test


def make_warp_fixtures():
    """Pillow's rotate/transform and torchvision 0.14's F.affine (PIL path) on the chelsea source."""
    import torchvision.transforms.functional as TF
    from torchvision.transforms import InterpolationMode as IM
    src = Image.open(out("resize", "chelsea.png")).convert("RGB")
    src.rotate(30, Image.BILINEAR, fillcolor=(10, 20, 30)).save(out("warp", "rotate30.bilinear.png"))
    src.rotate(-17.5, Image.NEAREST).save(out("warp", "rotate-17.5.nearest.png"))
    src.rotate(180, Image.BILINEAR).save(out("warp", "rotate180.bilinear.png"))
    src.rotate(90, Image.BILINEAR).save(out("warp", "rotate90.bilinear.png"))
    src.transform(src.size, Image.AFFINE, (1, 0.3, 0, 0, 1, 0), Image.BILINEAR, fillcolor=(128, 128, 128)).save(
        out("warp", "shearx0.3.bilinear.png"))
    src.transform(src.size, Image.AFFINE, (1, 0, -9, 0, 1, 0), Image.NEAREST, fillcolor=(128, 128, 128)).save(
        out("warp", "translatex-9.nearest.png"))
    for name, mode in (("bilinear", IM.BILINEAR), ("nearest", IM.NEAREST)):
        TF.affine(src, angle=12, translate=[5, -3], scale=1.1, shear=[8, -4], interpolation=mode, fill=[0, 0, 0]).save(
            out("warp", f"tv_affine.{name}.png"))
    make_bicubic_warp_fixtures(src)
    src.convert("L").convert("RGB").save(out("color", "chelsea.gray.png"))
    ops = {"brightness": TF.adjust_brightness, "contrast": TF.adjust_contrast,
           "saturation": TF.adjust_saturation, "hue": TF.adjust_hue}
    for op, factors in (("brightness", (1.3, 0.6)), ("contrast", (1.4, 0.5)),
                        ("saturation", (1.7, 0.3)), ("hue", (0.2, -0.13))):
        for f in factors:
            ops[op](src, f).save(out("color", f"chelsea.{op}{f}.png"))
    TF.gaussian_blur(src, kernel_size=[5, 7], sigma=[1.2, 0.8]).save(out("color", "chelsea.blur5x7.png"))


def make_bicubic_warp_fixtures(src=None):
    """Pillow's BICUBIC transform filter (the one timm's RandAugment picks half the time) on the same source."""
    import torchvision.transforms.functional as TF
    from torchvision.transforms import InterpolationMode as IM
    src = src or Image.open(out("resize", "chelsea.png")).convert("RGB")
    src.rotate(30, Image.BICUBIC, fillcolor=(10, 20, 30)).save(out("warp", "rotate30.bicubic.png"))
    src.rotate(-17.5, Image.BICUBIC).save(out("warp", "rotate-17.5.bicubic.png"))
    src.transform(src.size, Image.AFFINE, (1, 0.3, 0, 0, 1, 0), Image.BICUBIC, fillcolor=(128, 128, 128)).save(
        out("warp", "shearx0.3.bicubic.png"))
    src.transform(src.size, Image.AFFINE, (1, 0, -9.4, 0, 1, 5.3), Image.BICUBIC, fillcolor=(128, 128, 128)).save(
        out("warp", "translate-9.4y5.3.bicubic.png"))
    TF.affine(src, angle=12, translate=[5, -3], scale=1.1, shear=[8, -4], interpolation=IM.BICUBIC, fill=[0, 0, 0]).save(
        out("warp", "tv_affine.bicubic.png"))


if __name__ == "__main__":
    make_resize_fixtures()
    make_decode_fixtures()
    make_warp_fixtures()
