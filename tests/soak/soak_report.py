#!/usr/bin/env python3
"""The soak's report (tests/soak/soak.sh writes the logs, then runs this; it can be rerun on kept logs).

  soak_report.py RSS_LOG FRAME_LOG WARMUP_MINUTES RSS_GROWTH_LIMIT_MB

RSS_LOG: lines "seconds rss_kB load_average" (sampled every 10 s). FRAME_LOG: the window's --frame-log, lines
"seconds work_ms interval_ms training(0/1) step". Prints RSS after the warm-up / at the end / its maximum, the
growth (end - start, and the least-squares slope per 10 minutes) and the growth per training step, then the
frame work time (median, p95) of the training frames in each 5-minute window after the warm-up, with the steps
trained and the mean load average. Exit 1 when RSS grew by more than the limit after the warm-up or the last
window's p95 is more than 25% above the first window's.
"""
import statistics
import sys


def percentile(sorted_values, p):
    return sorted_values[min(len(sorted_values) - 1, int(p * (len(sorted_values) - 1) + 0.5))]


def main(rss_path, frames_path, warmup_minutes, limit_mb):
    rss = [tuple(float(x) for x in line.split()) for line in open(rss_path) if len(line.split()) == 3]
    # a killed window may leave its last line half written: keep whole lines only
    frames = [tuple(float(x) for x in line.split()) for line in open(frames_path) if len(line.split()) == 5]
    warm = warmup_minutes * 60
    after = [r for r in rss if r[0] >= warm]
    if len(after) < 3 or not frames:
        print("FAIL: too few RSS samples or frames after the warm-up")
        return 1
    t = [r[0] for r in after]
    m = [r[1] / 1024 for r in after]
    tm, mm = statistics.fmean(t), statistics.fmean(m)
    slope = sum((a - tm) * (b - mm) for a, b in zip(t, m)) / sum((a - tm) ** 2 for a in t)  # MB per second
    growth = m[-1] - m[0]
    step_at = lambda s: min(frames, key=lambda f: abs(f[0] - s))[4]
    steps = step_at(t[-1]) - step_at(t[0])
    print(f"RSS (MB): after the warm-up ({warm / 60:g} min) {m[0]:.1f}, end {m[-1]:.1f}, max "
          f"{max(r[1] for r in rss) / 1024:.1f}; growth {growth:+.1f} MB over {(t[-1] - t[0]) / 60:.0f} min "
          f"({slope * 600:+.2f} MB per 10 min, least squares over {len(after)} samples), "
          f"{growth * 2**20 / max(steps, 1):.0f} bytes per training step ({int(steps)} steps)")
    print("frame work (ms: events, UI, render, swap) of the frames while training, per 5-minute window:")
    print("  minutes        frames   steps   median     p95   load avg")
    wins = []
    w0, last_t = warm, frames[-1][0]
    while w0 < last_t:
        w1 = w0 + 300
        f = [x for x in frames if w0 <= x[0] < w1 and x[3] == 1]
        loads = [r[2] for r in rss if w0 <= r[0] < w1]
        if len(f) >= 20:
            work = sorted(x[1] for x in f)
            wins.append((statistics.median(work), percentile(work, 0.95)))
            print(f"  {w0 / 60:5.1f}-{min(w1, last_t) / 60:5.1f}  {len(f):8d} {int(f[-1][4] - f[0][4]):7d} "
                  f"{wins[-1][0]:8.2f} {wins[-1][1]:7.2f}   {statistics.fmean(loads) if loads else 0:6.2f}")
        w0 = w1
    ok = True
    if growth > limit_mb:
        print(f"FAIL: RSS grew {growth:.1f} MB after the warm-up (limit {limit_mb:g} MB)")
        ok = False
    if len(wins) < 2:
        print("FAIL: fewer than two 5-minute windows of training frames (too short a soak?)")
        ok = False
    elif wins[-1][1] > 1.25 * wins[0][1]:
        print(f"FAIL: frame p95 went from {wins[0][1]:.2f} to {wins[-1][1]:.2f} ms (more than 25% slower)")
        ok = False
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])))
