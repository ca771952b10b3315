#!/usr/bin/env python3
"""Draws the package icon (src/FineTune.Vision/icon.png, 128x128): an image cut into 4x4 patches, as a vision
transformer sees it, in the blues of the confusion-matrix plots, with the class-token corner in orange.

Run with Debian's Pillow: /usr/bin/python3 tools/package/make_icon.py. The output is deterministic and small (a
palette PNG of a few hundred bytes); both packages (FineTune.Vision, FineTune.Vision.Plots) pack the same file.
"""
import os
from PIL import Image, ImageDraw

SIZE, GRID, GAP, MARGIN = 128, 4, 4, 8
LIGHT, DARK, ACCENT = (247, 251, 255), (8, 48, 107), (244, 132, 36)


def mix(a, b, t):
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))


def main():
    image = Image.new("RGB", (SIZE, SIZE), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    cell = (SIZE - 2 * MARGIN - (GRID - 1) * GAP) // GRID
    for row in range(GRID):
        for col in range(GRID):
            x0 = MARGIN + col * (cell + GAP)
            y0 = MARGIN + row * (cell + GAP)
            # Darker towards the bottom right, like attention gathering on the object.
            colour = ACCENT if (row, col) == (0, 0) else mix(LIGHT, DARK, 0.25 + 0.75 * (row + col) / (2 * GRID - 2))
            draw.rounded_rectangle([x0, y0, x0 + cell - 1, y0 + cell - 1], radius=4, fill=colour)
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src", "FineTune.Vision", "icon.png")
    image.quantize(colors=32).save(os.path.normpath(out), optimize=True)
    print(os.path.normpath(out), os.path.getsize(out), "bytes")


if __name__ == "__main__":
    main()
