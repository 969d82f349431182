# Shared by the GUI test scripts (sourced; not a test itself: CTest runs tests/gui/*.sh only).
#   gui NAME ARGS...   runs `noamlab gui ARGS` under Xvfb at 1280x800 (or $SCREEN) with its own settings folder, writing
#                      $tmp/NAME.png (screenshot) and $tmp/NAME.json (layout); on a non-zero exit prints the
#                      window's output and fails. Needs $BIN and $tmp.
#   check NAME 'EXPR' 'MESSAGE'   a Python expression over j (NAME's layout JSON) and l (its lesson block); fails
#                      with MESSAGE and the lesson block when false. Needs $tmp.
#   pixels NAME 'EXPR' 'MESSAGE'  a Python expression over img (NAME's screenshot), layout, and the helpers
#                      columns(region, colour[, tol]) (pixel columns of the region holding that colour),
#                      stats(region) (pngstats.stats of the region), width(region), background() (the
#                      screenshot's most common colour) and text_rows(region[, inset]) (heights of its lines
#                      of text, inside a margin of inset pixels).
#                      Needs $SRC and $tmp.
command -v xvfb-run >/dev/null || { echo "FAIL: xvfb-run is missing (apt-get install xvfb xauth)"; exit 1; }

gui() {
    local name=$1; shift
    set +e
    XDG_CONFIG_HOME="$tmp/config" xvfb-run -a -s "-screen 0 ${SCREEN:-1280x800}x24" "$BIN" gui "$@" \
        --screenshot "$tmp/$name.png" --layout-out "$tmp/$name.json" >"$tmp/$name.out" 2>"$tmp/$name.err"
    local rc=$?
    set -e
    if [ $rc -ne 0 ]; then echo "FAIL: noamlab gui $* exited with $rc"; cat "$tmp/$name.out" "$tmp/$name.err"; exit 1; fi
}

PY=/usr/bin/python3; command -v "$PY" >/dev/null || PY=python3

check() {
    "$PY" - "$tmp/$1.json" "$2" "$3" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
if not eval(sys.argv[2], {"j": j, "l": j.get("lesson") or {}}):
    print("FAIL:", sys.argv[3]); print(json.dumps(j.get("lesson"), indent=1)); sys.exit(1)
PY
}

pixels() {
    "$PY" - "$SRC/tests/gui" "$tmp/$1.png" "$tmp/$1.json" "$2" "$3" <<'PY'
import json, sys
sys.path.insert(0, sys.argv[1])
import pngstats
img = pngstats.read_png(sys.argv[2])
layout = json.load(open(sys.argv[3]))
def columns(region, colour, tol=30):
    n, _, _ = pngstats.line_trend(img, pngstats.rect_of(layout, region), colour, [], tol)
    return n
def stats(region):
    return pngstats.stats(img, *pngstats.rect_of(layout, region))
def width(region):
    return pngstats.rect_of(layout, region)[2]
def background():
    return pngstats.dominant(img, 0, 0, img[0], img[1])
def text_rows(region, inset=0):
    x, y, w, h = pngstats.rect_of(layout, region)
    return pngstats.text_rows(img, x + inset, y + inset, w - 2 * inset, h - 2 * inset)
ok = eval(sys.argv[4])
if not ok:
    print("FAIL:", sys.argv[5]); sys.exit(1)
PY
}
