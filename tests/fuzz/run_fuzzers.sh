#!/usr/bin/env bash
# Fuzzing (issue 10): builds fuzz/ with clang (libFuzzer + ASan + UBSan), replays every committed regression
# input, then fuzzes each target for FUZZ_SECONDS (default 20; longer on demand: FUZZ_SECONDS=600) from a seed
# corpus of the shipped lessons and configs and the broken test files. Any crash, leak, hang (a run over 10 s)
# or sanitizer report fails the test; libFuzzer leaves the input that did it in the work folder: copy it into
# tests/data/fuzz_regressions/<target>/ so it is replayed for good.
# Usage: run_fuzzers.sh NOAMLAB SOURCE_DIR   (the first argument is unused: CTest passes it to every script)
set -euo pipefail
SRC=$2
SECONDS_EACH=${FUZZ_SECONDS:-20}
if ! command -v clang++ >/dev/null; then echo "run_fuzzers: clang++ is missing (make deps-test installs it)"; exit 1; fi
WORK=${FUZZ_WORK:-$PWD/fuzz-work}
mkdir -p "$WORK"
cmake -S "$SRC/fuzz" -B "$WORK/build" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=None >/dev/null
if ! cmake --build "$WORK/build" -j "$(nproc)" >"$WORK/build.log" 2>&1; then
  echo "FAIL: the fuzz targets do not build with clang:"; grep -E "error" "$WORK/build.log" | head -10; exit 1
fi
status=0
ran=0
for bin in "$WORK"/build/fuzz_*; do
  [ -x "$bin" ] || continue
  name=$(basename "$bin"); target=${name#fuzz_}; ran=$((ran+1))
  corpus="$WORK/corpus_$target"; mkdir -p "$corpus"
  case $target in
    lesson) seeds=("$SRC"/lessons/*.json "$SRC"/tests/data/broken_lessons/*.json "$SRC"/tests/data/lessons/*.json) ;;
    config) seeds=("$SRC"/configs/*.json "$SRC"/tests/data/broken_configs/*.json) ;;
    run) seeds=("$SRC"/tests/data/runs/*.noamrun "$SRC"/tests/data/broken_runs/*) ;;
    *) seeds=("$SRC"/tests/data/fuzz_seeds/$target/*) ;;
  esac
  for s in "${seeds[@]}"; do [ -f "$s" ] && cp "$s" "$corpus/" || true; done
  reg="$SRC/tests/data/fuzz_regressions/$target"
  if [ -d "$reg" ] && [ -n "$(ls -A "$reg")" ]; then
    if ! "$bin" "$reg"/* >"$WORK/$target.regressions.log" 2>&1; then
      echo "FAIL $target: a committed regression input crashes again"; tail -20 "$WORK/$target.regressions.log"; status=1
    fi
  fi
  if "$bin" "$corpus" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
        -artifact_prefix="$WORK/crash_${target}_" -print_final_stats=1 >"$WORK/$target.log" 2>&1; then
    runs=$(grep -E "stat::number_of_executed_units" "$WORK/$target.log" | awk '{print $2}')
    echo "ok   $target: ${runs:-?} inputs in ${SECONDS_EACH} s, no crash"
  else
    echo "FAIL $target:"; grep -E "ERROR|runtime error|SUMMARY|Test unit written" "$WORK/$target.log" | head -10; status=1
  fi
done
if [ "$ran" -eq 0 ]; then echo "FAIL: no fuzz target was built"; exit 1; fi
exit $status
