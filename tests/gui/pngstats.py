#!/usr/bin/env python3
"""Pixel statistics of a PNG screenshot, with the standard library only (zlib + struct).

  pngstats.py stats SHOT.png X Y W H          mean / std / distinct colours of a rectangle, as JSON
  pngstats.py check-gui SHOT.png LAYOUT.json   the checks of the GUI test; exit 1 on a failure
  pngstats.py check-regions SHOT.png LAYOUT.json NAME...
                                               each named region is inside the window and not blank

LAYOUT.json is written by `noamlab gui --layout-out`: the pixel rectangles of the plots in the same frame
(so no coordinates are hard-coded here) and the colours of the loss series.
"""
import json
import struct
import sys
import zlib


def read_png(path):
    """Returns (width, height, channels, rows) with rows a list of bytearrays (8-bit RGB or RGBA)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path}: not a PNG file")
    pos, idat, width = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or color not in (2, 6) or interlace != 0:
                raise ValueError(f"{path}: only 8-bit RGB/RGBA, non-interlaced PNGs are supported")
            channels = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    raw = zlib.decompress(b"".join(idat))
    stride = width * channels
    rows, prev = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        ftype = raw[start]
        line = bytearray(raw[start + 1:start + 1 + stride])
        if ftype == 1:  # Sub
            for i in range(channels, stride):
                line[i] = (line[i] + line[i - channels]) & 0xFF
        elif ftype == 2:  # Up
            line = bytearray((a + b) & 0xFF for a, b in zip(line, prev))
        elif ftype == 3:  # Average
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xFF
        elif ftype == 4:  # Paeth
            for i in range(stride):
                a = line[i - channels] if i >= channels else 0
                b = prev[i]
                c = prev[i - channels] if i >= channels else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if (pa <= pb and pa <= pc) else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 0xFF
        elif ftype != 0:
            raise ValueError(f"{path}: bad filter type {ftype} in row {y}")
        rows.append(line)
        prev = line
    return width, height, channels, rows


def pixels(img, x, y, w, h):
    width, height, ch, rows = img
    for yy in range(max(0, y), min(height, y + h)):
        row = rows[yy]
        for xx in range(max(0, x), min(width, x + w)):
            i = xx * ch
            yield xx, yy, (row[i], row[i + 1], row[i + 2])


def stats(img, x, y, w, h):
    n, s, s2, colours = 0, [0, 0, 0], [0, 0, 0], set()
    for _, _, c in pixels(img, x, y, w, h):
        n += 1
        for k in range(3):
            s[k] += c[k]
            s2[k] += c[k] * c[k]
        colours.add(c)
    if n == 0:
        return {"pixels": 0}
    mean = [v / n for v in s]
    var = [max(0.0, s2[k] / n - mean[k] ** 2) for k in range(3)]
    return {"pixels": n, "mean": [round(m, 1) for m in mean], "std": [round(v ** 0.5, 1) for v in var],
            "std_max": round(max(var) ** 0.5, 1), "distinct_colours": len(colours)}


def dominant(img, x, y, w, h):
    """The most common colour of a rectangle (a screen's background)."""
    counts = {}
    for _, _, c in pixels(img, x, y, w, h):
        counts[c] = counts.get(c, 0) + 1
    return max(counts, key=counts.get) if counts else None


def text_rows(img, x, y, w, h, min_ink=3):
    """Heights of the bands of rows that hold text: a row is inked when at least min_ink pixels differ from the
    rectangle's background by more than 80 in some channel. A band of a line of text is about the font's size
    (ascenders to descenders), so the bands measure how large the type is on screen."""
    bg = dominant(img, x, y, w, h)
    width, height, ch, rows = img
    bands, run = [], 0
    for yy in range(max(0, y), min(height, y + h)):
        row = rows[yy]
        ink = 0
        for xx in range(max(0, x), min(width, x + w)):
            i = xx * ch
            if max(abs(row[i] - bg[0]), abs(row[i + 1] - bg[1]), abs(row[i + 2] - bg[2])) > 80:
                ink += 1
                if ink >= min_ink:
                    break
        if ink >= min_ink:
            run += 1
        elif run:
            bands.append(run)
            run = 0
    if run:
        bands.append(run)
    return bands


def line_trend(img, rect, colour, exclude, tol=40):
    """Mean row of the pixels close to colour, per column; compares the first and last fifth of the columns
    that contain such pixels. Returns (columns found, mean y of the first fifth, of the last fifth)."""
    x, y, w, h = rect
    cols = {}
    for xx, yy, c in pixels(img, x, y, w, h):
        if any(ex[0] <= xx < ex[0] + ex[2] and ex[1] <= yy < ex[1] + ex[3] for ex in exclude):
            continue
        if sum(abs(c[k] - colour[k]) for k in range(3)) <= tol:
            cols.setdefault(xx, []).append(yy)
    xs = sorted(cols)
    if len(xs) < 10:
        return len(xs), None, None
    k = max(2, len(xs) // 5)
    first = sum(sum(cols[c]) / len(cols[c]) for c in xs[:k]) / k
    last = sum(sum(cols[c]) / len(cols[c]) for c in xs[-k:]) / k
    return len(xs), first, last


def rect_of(layout, name):
    r = layout["regions"][name]
    return r["x"], r["y"], r["w"], r["h"]


def check_gui(shot, layout_path):
    img = read_png(shot)
    with open(layout_path) as f:
        layout = json.load(f)
    failures = []
    width, height = img[0], img[1]
    print(f"screenshot {width}x{height}, step {layout.get('step')}, history {layout.get('history')}")
    if (width, height) != (layout["window"]["width"], layout["window"]["height"]):
        failures.append(f"screenshot is {width}x{height} but the layout says "
                        f"{layout['window']['width']}x{layout['window']['height']}")
    for name in ("loss_plot", "attention_grid", "attention_focus"):
        if name not in layout.get("regions", {}):
            failures.append(f"region {name} missing from {layout_path} (did the panel draw?)")
            continue
        x, y, w, h = rect_of(layout, name)
        if w < 50 or h < 50 or x < 0 or y < 0 or x + w > width or y + h > height:
            failures.append(f"region {name} = {x},{y} {w}x{h} is too small or outside the window")
            continue
        st = stats(img, x, y, w, h)
        print(f"{name}: {x},{y} {w}x{h} std {st['std_max']} colours {st['distinct_colours']}")
        if st["std_max"] < 8 or st["distinct_colours"] < 12:
            failures.append(f"region {name} looks blank (std {st['std_max']}, {st['distinct_colours']} colours)")
    if "loss_plot" in layout.get("regions", {}):
        colour = layout["colors"]["loss_train"]
        exclude = [rect_of(layout, n) for n in layout["regions"] if n.startswith("loss_plot_legend")]
        n, first, last = line_trend(img, rect_of(layout, "loss_plot"), colour, exclude)
        if first is None:
            failures.append(f"the training-loss line ({colour}) is not in the loss plot ({n} columns found)")
        else:
            h = rect_of(layout, "loss_plot")[3]
            print(f"loss line: {n} columns, mean row first fifth {first:.1f}, last fifth {last:.1f} (plot height {h})")
            # rows grow downwards: a falling loss means the line's rows increase from left to right
            if last - first < 0.15 * h:
                failures.append(f"the loss line does not descend: mean row {first:.1f} at the start, {last:.1f} at the end")
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


def check_regions(shot, layout_path, names):
    img = read_png(shot)
    with open(layout_path) as f:
        layout = json.load(f)
    width, height = img[0], img[1]
    failures = []
    for name in names:
        if name not in layout.get("regions", {}):
            failures.append(f"region {name} missing from {layout_path} (did the panel draw?)")
            continue
        x, y, w, h = rect_of(layout, name)
        if w < 20 or h < 20 or x < 0 or y < 0 or x + w > width or y + h > height:
            failures.append(f"region {name} = {x},{y} {w}x{h} is too small or outside the {width}x{height} window")
            continue
        st = stats(img, x, y, w, h)
        print(f"{name}: {x},{y} {w}x{h} std {st['std_max']} colours {st['distinct_colours']}")
        if st["std_max"] < 8 or st["distinct_colours"] < 12:
            failures.append(f"region {name} looks blank (std {st['std_max']}, {st['distinct_colours']} colours)")
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


def main(argv):
    if len(argv) == 7 and argv[1] == "stats":
        img = read_png(argv[2])
        print(json.dumps(stats(img, *map(int, argv[3:7]))))
        return 0
    if len(argv) == 4 and argv[1] == "check-gui":
        return check_gui(argv[2], argv[3])
    if len(argv) >= 5 and argv[1] == "check-regions":
        return check_regions(argv[2], argv[3], argv[4:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
