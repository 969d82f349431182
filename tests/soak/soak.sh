#!/usr/bin/env bash
# Soak (opt-in: `make soak`; not a CTest test): the window trains the default run under Xvfb for SOAK_MINUTES,
# its resident memory is sampled from /proc every 10 s and every frame's time is logged (--frame-log). Prints
# RSS at the end of the warm-up, at the end and its maximum, the growth per 10 minutes (least-squares slope
# after the warm-up), and the frame work time (median, p95) per 5-minute window after the warm-up.
# Fails when RSS grows by more than SOAK_RSS_GROWTH_MB after the warm-up, or when the last window's p95 is more
# than 25% above the first window's.
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

"$PY" - "$tmp/rss.txt" "$tmp/frames.txt" "$WARMUP" "$GROWTH_MB" <<'PY'
import statistics, sys
rss = [tuple(float(x) for x in l.split()) for l in open(sys.argv[1]) if l.strip()]
frames = [tuple(float(x) for x in l.split()) for l in open(sys.argv[2]) if l.count(" ") == 4]
warm, limit_mb = float(sys.argv[3]) * 60, float(sys.argv[4])
after = [r for r in rss if r[0] >= warm]
if len(after) < 3:
    print("FAIL: too few RSS samples after the warm-up"); sys.exit(1)
mb = lambda kb: kb / 1024
t = [r[0] for r in after]; m = [mb(r[1]) for r in after]
tm, mm = statistics.fmean(t), statistics.fmean(m)
slope = sum((a - tm) * (b - mm) for a, b in zip(t, m)) / sum((a - tm) ** 2 for a in t)  # MB per second
growth = m[-1] - m[0]
print(f"RSS (MB): after warm-up {m[0]:.1f}  end {m[-1]:.1f}  max {max(mb(r[1]) for r in rss):.1f}  "
      f"growth {growth:+.1f} ({slope * 600:+.2f} per 10 min, least squares over {len(after)} samples)")
print("frame work (ms) while training, per 5-minute window after the warm-up:")
print("  window (min)   frames   steps       median   p95    load")
wins = []
w0 = warm
last_t = frames[-1][0] if frames else 0
while w0 < last_t:
    w1 = w0 + 300
    f = [x for x in frames if w0 <= x[0] < w1 and x[3] == 1]
    loads = [r[2] for r in rss if w0 <= r[0] < w1]
    if len(f) >= 20:
        work = sorted(x[1] for x in f)
        p95 = work[min(len(work) - 1, int(0.95 * (len(work) - 1) + 0.5))]
        wins.append((w0, w1, len(f), f[-1][4] - f[0][4], statistics.median(work), p95, statistics.fmean(loads) if loads else 0))
        print(f"  {w0 / 60:5.1f}-{min(w1, last_t) / 60:5.1f}  {len(f):8d} {int(f[-1][4] - f[0][4]):7d}   {wins[-1][4]:8.2f} {p95:6.2f}  {wins[-1][6]:5.2f}")
    w0 = w1
ok = True
if growth > limit_mb:
    print(f"FAIL: RSS grew {growth:.1f} MB after the warm-up (limit {limit_mb:g} MB)"); ok = False
if len(wins) < 2:
    print("FAIL: fewer than two frame windows (the run too short?)"); ok = False
elif wins[-1][5] > 1.25 * wins[0][5]:
    print(f"FAIL: frame p95 went from {wins[0][5]:.2f} to {wins[-1][5]:.2f} ms (more than 25% slower)"); ok = False
print("PASS" if ok else "FAIL")
sys.exit(0 if ok else 1)
PY
