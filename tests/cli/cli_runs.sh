#!/usr/bin/env bash
# CLI: saved runs. train --stop-at/--save then --resume gives the history of the run that never stopped; info
# describes a run file; every damaged file of tests/data/broken_runs is refused with its one line and exit 2,
# writing nothing; a save killed or refused half way by the file-size limit leaves the previous save intact.
set -u
BIN=$1; SRC=$2
TINY=$SRC/tests/data/runs/tiny.json
BROKEN=$SRC/tests/data/broken_runs
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0; passes=0
fail() { echo "FAIL: $*"; fails=$((fails+1)); }
pass() { passes=$((passes+1)); }

. "$SRC/tests/cli/lib/expect.sh"

# same_history A.json B.json: the histories of two --out files agree in every field but wall-clock tokens/s
same_history() {
  python3 - "$1" "$2" <<'EOF'
import json, sys
a, b = (json.load(open(f))["history"] for f in sys.argv[1:3])
for r in a + b: r.pop("tokens_per_sec")
sys.exit(0 if a == b and len(a) > 0 else 1)
EOF
}

# ---- save, resume: the same run ----
"$BIN" train "$TINY" --threads 1 --quiet --out "$tmp/full.json" || fail "the uninterrupted run failed"
expect 0 "stopped at the requested step.*saved to" -- "$BIN" train "$TINY" --threads 1 --stop-at 3 --save "$tmp/r.noamrun"
expect 0 "checksum 0x[0-9a-f]{8} OK"  -- "$BIN" info "$tmp/r.noamrun"
expect 0 "step: +3 of 8 \(history of 3 steps\)" -- "$BIN" info "$tmp/r.noamrun"
expect 0 '"step": 3'                  -- "$BIN" info "$tmp/r.noamrun" --json
expect 0 "replay: +3 steps retrained from seed 3 match" -- "$BIN" info "$tmp/r.noamrun" --replay
expect 0 "resuming .*r.noamrun at step 3" -- "$BIN" train --resume "$tmp/r.noamrun" --threads 1 --out "$tmp/resumed.json"
if same_history "$tmp/full.json" "$tmp/resumed.json"; then pass; else fail "the resumed history differs from the uninterrupted one"; fi
# resumed in two legs, on two threads, saving every 2 steps and at the end
expect 0 "stopped at the requested step" -- "$BIN" train --resume "$tmp/r.noamrun" --stop-at 5 --save "$tmp/r2.noamrun"
expect 0 "done" -- "$BIN" train "$TINY" --resume "$tmp/r2.noamrun" --threads 2 --save "$tmp/r3.noamrun" --save-every 2 --out "$tmp/resumed2.json"
if same_history "$tmp/full.json" "$tmp/resumed2.json"; then pass; else fail "the run resumed twice differs"; fi
expect 0 "step: +8 of 8 .*finished" -- "$BIN" info "$tmp/r3.noamrun"
# --steps on resume trains further
expect 0 "step +10/10" -- "$BIN" train --resume "$tmp/r3.noamrun" --steps 10

# ---- refusals: one line, exit 2, nothing written ----
expect 2 "expected one RUN.noamrun"            -- "$BIN" info
expect 2 "--seed would change the saved run"   -- "$BIN" train --resume "$tmp/r.noamrun" --seed 4
expect 2 "--lr would change the saved run"     -- "$BIN" train --resume "$tmp/r.noamrun" --lr 0.1
expect 2 "--save-every needs --save"           -- "$BIN" train "$TINY" --save-every 2
expect 2 "--steps must be between 3 and"       -- "$BIN" train --resume "$tmp/r.noamrun" --steps 2
expect 2 "config differs from this run's: .*model.d_model is 16 in the file, 64 here" -- \
  "$BIN" train "$SRC/configs/default.json" --resume "$tmp/r.noamrun" --save "$tmp/never.noamrun" --out "$tmp/never.json"
expect 2 "cannot open"                         -- "$BIN" train --resume "$tmp/missing.noamrun"
python3 -c 'import json,sys; [print(k + "\t" + v) for k, v in json.load(open(sys.argv[1])).items()]' \
  "$SRC/tests/data/broken_runs_expected.json" >"$tmp/expected.tsv"
[ "$(wc -l <"$tmp/expected.tsv")" -ge 20 ] || fail "broken_runs_expected.json lists too few files"
while IFS=$'\t' read -r name message; do
  file=$BROKEN/$name.noamrun
  pattern=$(printf '%s' "$file: $message" | sed 's/[][\.*^$()+?{}|]/\\&/g')
  expect 2 "$pattern" -- "$BIN" info "$file"
  expect 2 "$pattern" -- "$BIN" train --resume "$file" --save "$tmp/never.noamrun" --out "$tmp/never.json"
done <"$tmp/expected.tsv"
if [ -e "$tmp/never.noamrun" ] || [ -e "$tmp/never.json" ]; then fail "a refused run wrote a file"; else pass; fi

# ---- atomic saves: the file-size limit stops a save half way ----
cp "$tmp/r.noamrun" "$tmp/keep.noamrun"
# the limit refused (SIGXFSZ ignored): the write fails with a message, the old file stays, no temporary file
( trap '' XFSZ; ulimit -f 8; exec "$BIN" train "$TINY" --threads 1 --quiet --save "$tmp/keep.noamrun" ) 2>"$tmp/err"
code=$?
if [ $code -eq 2 ] && grep -q "cannot write .*keep.noamrun: File too large" "$tmp/err"; then pass
else fail "a save over the file-size limit: exit $code, $(cat "$tmp/err")"; fi
if cmp -s "$tmp/r.noamrun" "$tmp/keep.noamrun"; then pass; else fail "the refused save damaged the previous file"; fi
if ls "$tmp" | grep -q "keep.noamrun.tmp"; then fail "a temporary file was left behind"; else pass; fi
# the process killed by the limit (SIGXFSZ) mid-write: the old file stays whole and loadable
{ ( ulimit -f 8; exec "$BIN" train "$TINY" --threads 1 --quiet --save "$tmp/keep.noamrun" ) 2>/dev/null; } 2>/dev/null
code=$?
if [ $code -gt 128 ]; then pass; else fail "expected the save to be killed by SIGXFSZ, got exit $code"; fi
if cmp -s "$tmp/r.noamrun" "$tmp/keep.noamrun"; then pass; else fail "a save killed half way damaged the previous file"; fi
expect 0 "checksum 0x[0-9a-f]{8} OK" -- "$BIN" info "$tmp/keep.noamrun"

echo "cli_runs: $passes passed, $fails failed"
[ $fails -eq 0 ]
