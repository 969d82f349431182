#!/usr/bin/env bash
# noamlab race: the help, one-line errors (exit 2) for bad variants, and a short race that prints the table
# (our losses, rank, the GLU paper's numbers beside them) and writes the JSON.
set -u
BIN=$1; SRC=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0; passes=0
CFG=$SRC/configs/default.json

# expect CODE PATTERN -- command...: exit code CODE, stdout+stderr matching PATTERN, one line of stderr on code 2
expect() {
  local code=$1 pattern=$2; shift 3
  "$@" >"$tmp/out" 2>"$tmp/err"; local got=$?
  local lines; lines=$(wc -l <"$tmp/err")
  if [ "$got" -ne "$code" ] || ! grep -qE -- "$pattern" "$tmp/out" "$tmp/err" || { [ "$code" -eq 2 ] && [ "$lines" -gt 1 ]; }; then
    echo "FAIL: $* -> exit $got (want $code), stderr $lines lines, want /$pattern/"; sed 's/^/    /' "$tmp/out" "$tmp/err" | head -8
    fails=$((fails+1))
  else
    passes=$((passes+1))
  fi
}

expect 0 "usage: noamlab race"                    -- "$BIN" race --help
expect 0 "race CONFIG"                            -- "$BIN" help
expect 2 "--variants KEY=V1,V2,... is required"   -- "$BIN" race "$CFG"
expect 2 "expected one CONFIG"                    -- "$BIN" race --variants ffn=relu,swiglu
expect 2 "--variants: swiglu: expected KEY=V1,V2"  -- "$BIN" race "$CFG" --variants swiglu
expect 2 "at least two values"                    -- "$BIN" race "$CFG" --variants ffn=relu
expect 2 'unknown setting "fnn"'                  -- "$BIN" race "$CFG" --variants fnn=relu,swiglu
expect 2 '--variants: ffn=relu,swishglu: setting model.ffn = "swishglu": expected one of relu' -- "$BIN" race "$CFG" --variants ffn=relu,swishglu
expect 2 "--seeds must be between 1 and"          -- "$BIN" race "$CFG" --variants ffn=relu,swiglu --seeds 0
expect 2 "cannot open"                            -- "$BIN" race "$tmp/none.json" --variants ffn=relu,swiglu

# a short race: two kinds x two seeds, 20 steps each
expect 0 "^swiglu|^relu" -- "$BIN" race "$CFG" --variants ffn=relu,swiglu --seeds 2 --steps 20 --json "$tmp/race.json"
if ! grep -qE "^relu +[0-9]+ .*1\.997 +1\.677" "$tmp/out" || ! grep -qE "^swiglu +[0-9]+ +[-+][0-9]+ +171 .*1\.944" "$tmp/out"; then
  echo "FAIL: the race table lacks a row with the paper's numbers (or swiglu's matched hidden size 171)"; cat "$tmp/out"
  fails=$((fails+1))
else passes=$((passes+1)); fi
if ! python3 - "$tmp/race.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["steps"] == 20 and j["seeds"] == 2, j
labels = [v["label"] for v in j["variants"]]
assert labels == ["relu", "swiglu"], labels
assert sorted(v["rank"] for v in j["variants"]) == [1, 2]
for v in j["variants"]:
    assert len(v["runs"]) == 2 and all(r["final_val_loss"] is not None and r["error"] == "" for r in v["runs"]), v
    assert v["min"] <= v["mean"] <= v["max"]
assert j["variants"][1]["ffn_hidden"] == 171 and j["variants"][0]["ffn_hidden"] == 256
PY
then echo "FAIL: race JSON"; fails=$((fails+1)); else passes=$((passes+1)); fi

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
