#!/usr/bin/env bash
# The window's frame time while training the S-sized default run, under Xvfb (Mesa llvmpipe), 1280x800.
#   bench/frame_time.sh [path/to/noamlab] [frames]
# Prints the median and p95 frame times (ms) while training, the median when idle, and the training speed.
# A benchmark, not a test: machines are shared and timings move with the load.
set -eu
BIN=${1:-build/noamlab}
FRAMES=${2:-600}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
xvfb-run -a -s '-screen 0 1280x800x24' "$BIN" gui "$(dirname "$0")/../configs/default.json" \
  --frames "$FRAMES" --play --frame-stats "$out/stats.json" >/dev/null
/usr/bin/python3 - "$out/stats.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
for k, v in s.items():
    print(f"{k:28s} {v}")
PY
