#!/usr/bin/python3
"""Small colour photographs for the samples and the augmentation previews in docs/.

Run: /usr/bin/python3 samples/data/images/make_images.py   (needs Debian's python3-skimage and python3-pil)
chelsea.jpg: skimage's chelsea.png (CC0, photographer Stefan van der Walt), centre crop 300x300, resized to 160x160
bicubic, JPEG quality 90. coffee.jpg: skimage's coffee.png (CC0, photographer Rachel Michetti), same treatment.
"""
import os

from PIL import Image
from skimage import data

HERE = os.path.dirname(os.path.abspath(__file__))


def save(array, name, box):
    im = Image.fromarray(array).crop(box).resize((160, 160), Image.BICUBIC)
    im.save(os.path.join(HERE, name), quality=90)


save(data.chelsea(), "chelsea.jpg", (70, 0, 370, 300))
save(data.coffee(), "coffee.jpg", (150, 50, 450, 350))
print("ok")
