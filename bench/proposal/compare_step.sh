#!/bin/bash
# Training steps with the core's matmul and with bench/proposal/matmul.cpp, measured in turn (the machine is
# shared): ROUNDS rounds of S and M at each thread count; prints the median ms/step of each and the ratio.
# The proposal's object comes before libnoamcore.a on the link line, so the archive's matmul.o is never pulled.
#   bench/proposal/compare_step.sh BUILD_DIR [ROUNDS] [THREADS...]     e.g. bench/proposal/compare_step.sh build-bench 5 1 2
set -e
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:?usage: compare_step.sh BUILD_DIR [ROUNDS] [THREADS...]}
rounds=${2:-5}
shift 2 || shift $#
threads=${*:-1}
lib="$build/libnoamcore.a"
[ -f "$lib" ] || { echo "no $lib: build the noamcore target first" >&2; exit 2; }
out=$(mktemp -d)
flags="-std=gnu++20 -O3 -march=native -fopenmp -I$src/core"
g++ $flags -c "$src/bench/proposal/step_driver.cpp" -o "$out/driver.o"
g++ $flags -c "$src/bench/proposal/matmul.cpp" -o "$out/matmul_proposal.o"
g++ -fopenmp "$out/driver.o" "$lib" -o "$out/core"
g++ -fopenmp "$out/driver.o" "$out/matmul_proposal.o" "$lib" -o "$out/proposal"
for r in $(seq "$rounds"); do
  for size in S M; do
    steps=$([ $size = S ] && echo 20 || echo 6)
    for t in $threads; do
      for v in core proposal; do echo "$v $("$out/$v" $size $t $steps)"; done
    done
  done
done | tee "$out/log"
echo "medians over $rounds rounds, ms/step (wall, and process CPU time); ratio = core / proposal, > 1: the proposal is faster"
/usr/bin/python3 - "$out/log" <<'PY'
import sys, statistics, collections
t = collections.defaultdict(list); c = collections.defaultdict(list); loss = {}
for line in open(sys.argv[1]):
    v, size, th, ms, _, cpu, _, l = line.split()
    t[(size, int(th), v)].append(float(ms)); c[(size, int(th), v)].append(float(cpu)); loss[(size, int(th), v)] = l
for (size, th) in sorted({(k[0], k[1]) for k in t}):
    a, b = statistics.median(t[(size, th, "core")]), statistics.median(t[(size, th, "proposal")])
    ca, cb = statistics.median(c[(size, th, "core")]), statistics.median(c[(size, th, "proposal")])
    same = "same loss" if loss[(size, th, "core")] == loss[(size, th, "proposal")] else "LOSS DIFFERS"
    print(f"  {size} threads {th}: wall core {a:7.2f} proposal {b:7.2f} ratio {a / b:5.2f} | "
          f"cpu core {ca:7.2f} proposal {cb:7.2f} ratio {ca / cb:5.2f}  ({same} after the last step)")
PY
rm -rf "$out"
