#!/usr/bin/env bash
# Soak (opt-in: `make soak`; not a CTest test): the window trains the default run under Xvfb for SOAK_MINUTES,
# its resident memory is sampled from /proc every 10 s and every frame's time is logged (--frame-log); then
# tests/soak/soak_report.py prints RSS after the warm-up / at the end / its maximum, the growth per 10 minutes
# and per training step, and the frame work time (median, p95) per 5-minute window after the warm-up. It fails
# when RSS grows by more than SOAK_RSS_GROWTH_MB after the warm-up, or when the last window's p95 is more than
# 25% above the first window's.
#   tests/soak/soak.sh [NOAMLAB] [SOURCE_DIR]
#   SOAK_MINUTES (30)  SOAK_WARMUP_MINUTES (2)  SOAK_RSS_GROWTH_MB (16)  SOAK_KEEP=DIR: keep the logs there
# The run is configs/default.json with its step budget raised so that it trains the whole time (its cosine
# schedule then keeps the learning rate near its peak). Frame times move with the machine's load: the report
# prints the load average beside each window.
set -euo pipefail
SRC=${2:-$(cd "$(dirname "$0")/../.." && pwd)}
BIN=${1:-$SRC/build/noamlab}
MINUTES=${SOAK_MINUTES:-30}
WARMUP=${SOAK_WARMUP_MINUTES:-2}
GROWTH_MB=${SOAK_RSS_GROWTH_MB:-16}
command -v xvfb-run >/dev/null || { echo "FAIL: xvfb-run is missing (apt-get install xvfb xauth)"; exit 1; }
[ -x "$BIN" ] || { echo "FAIL: no binary at $BIN (build first)"; exit 1; }
tmp=${SOAK_KEEP:-$(mktemp -d)}
mkdir -p "$tmp"
[ -n "${SOAK_KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT
PY=/usr/bin/python3; command -v "$PY" >/dev/null || PY=python3

"$PY" - "$SRC/configs/default.json" "$tmp/soak.json" <<'PY'
import json, sys
cfg = json.load(open(sys.argv[1]))
cfg["train"]["steps"] = 100000000
json.dump(cfg, open(sys.argv[2], "w"), indent=1)
PY

# the window's own pid (not xvfb-run's): the child writes it, then becomes noamlab
: >"$tmp/rss.txt"
XDG_CONFIG_HOME="$tmp/config" xvfb-run -a -s '-screen 0 1280x800x24' \
    bash -c 'echo $$ >"$0/pid"; exec "$@"' "$tmp" "$BIN" gui "$tmp/soak.json" --play --frame-log "$tmp/frames.txt" \
    >"$tmp/out" 2>"$tmp/err" &
runner=$!
for _ in $(seq 100); do [ -s "$tmp/pid" ] && break; sleep 0.1; done
pid=$(cat "$tmp/pid")
echo "soak: noamlab pid $pid, $MINUTES minutes (warm-up $WARMUP), logs in $tmp"
start=$(date +%s)
end=$((start + MINUTES * 60))
while [ "$(date +%s)" -lt "$end" ]; do
    if ! kill -0 "$pid" 2>/dev/null; then
        echo "FAIL: the window exited early"; cat "$tmp/out" "$tmp/err"; exit 1
    fi
    rss=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
    echo "$(( $(date +%s) - start )) $rss $(cut -d' ' -f1 /proc/loadavg)" >>"$tmp/rss.txt"
    sleep 10
done
kill -TERM "$pid"
wait "$runner" || true

"$PY" "$SRC/tests/soak/soak_report.py" "$tmp/rss.txt" "$tmp/frames.txt" "$WARMUP" "$GROWTH_MB"
