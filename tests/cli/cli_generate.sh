#!/usr/bin/env bash
# noamlab generate: every bad flag combination gets one line and exit code 2; cached and uncached generation print
# the same text; greedy speculative decoding prints exactly the target's greedy text; --stats reports the costs.
set -u
BIN=$1; SRC=$2
CFG=$SRC/configs/literature.json
DRAFT=$SRC/configs/literature_draft.json
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
. "$SRC/tests/cli/lib/expect.sh"
same() {  # same NAME FILE1 FILE2
  if cmp -s "$2" "$3"; then passes=$((passes+1)); else echo "FAIL: $1 differ:"; diff "$2" "$3" | head -5; fails=$((fails+1)); fi
}

Q="--train-steps 3 --threads 1"
expect 0 "usage: noamlab generate"  -- "$BIN" generate --help
expect 0 "generate CONFIG"          -- "$BIN" help
expect 2 "expected one CONFIG"      -- "$BIN" generate --tokens 5
expect 2 "--tokens N is required"   -- "$BIN" generate "$CFG"
expect 2 "--tokens must be between" -- "$BIN" generate "$CFG" --tokens 0
expect 2 "--sampling expects greedy, temperature, top_k or top_p, got 'nucleus'" -- "$BIN" generate "$CFG" --tokens 5 --sampling nucleus
expect 2 "--temperature has no effect with greedy" -- "$BIN" generate "$CFG" --tokens 5 --temperature 0.7
expect 2 "--top-k needs --sampling top_k" -- "$BIN" generate "$CFG" --tokens 5 --top-k 5
expect 2 "--top-k needs --sampling top_k" -- "$BIN" generate "$CFG" --tokens 5 --sampling top_p --top-k 5
expect 2 "--top-p needs --sampling top_p" -- "$BIN" generate "$CFG" --tokens 5 --sampling temperature --top-p 0.9
expect 2 "--top-p must be between"  -- "$BIN" generate "$CFG" --tokens 5 --sampling top_p --top-p 1.5
expect 2 "--top-k must be between"  -- "$BIN" generate "$CFG" --tokens 5 --sampling top_k --top-k 0
expect 2 "--temperature must be between" -- "$BIN" generate "$CFG" --tokens 5 --sampling temperature --temperature 0
expect 2 "--gamma needs --draft"    -- "$BIN" generate "$CFG" --tokens 5 --gamma 3
expect 2 "--draft-train-steps needs --draft" -- "$BIN" generate "$CFG" --tokens 5 --draft-train-steps 3
expect 2 "--draft .*verifies with the KV cache: drop --no-cache" -- "$BIN" generate "$CFG" --tokens 5 --draft "$DRAFT" --no-cache
expect 2 "--gamma must be between"  -- "$BIN" generate "$CFG" --tokens 5 --draft "$DRAFT" --gamma 0
expect 2 "unknown flag '--top_k'"   -- "$BIN" generate "$CFG" --tokens 5 --top_k 3
expect 2 "cannot open"              -- "$BIN" generate "$tmp/none.json" --tokens 5
expect 2 "--prompt: .*" -- "$BIN" generate "$CFG" --tokens 5 --prompt "日本" $Q
expect 2 "--prompt is empty"        -- "$BIN" generate "$CFG" --tokens 5 --prompt "" $Q
expect 2 "another vocabulary than the target's" -- "$BIN" generate "$CFG" --tokens 5 --draft "$SRC/configs/default.json" $Q --draft-train-steps 3
# a bidirectional model has nothing to cache; without the cache it generates
sed 's/"seq_len": 64}/"seq_len": 64, "causal": false}/' "$CFG" >"$tmp/bidirectional.json"
expect 2 "bidirectional.json: decoding needs a causal model.*--no-cache" -- "$BIN" generate "$tmp/bidirectional.json" --tokens 5 $Q
expect 0 "."                        -- "$BIN" generate "$tmp/bidirectional.json" --tokens 5 --no-cache $Q
# the attention options' config keys
sed 's/"seq_len": 64}/"seq_len": 64, "attention_dconv": "wide"}/' "$CFG" >"$tmp/bad_dconv.json"
expect 2 "/model/attention_dconv: expected true, false or a width" -- "$BIN" generate "$tmp/bad_dconv.json" --tokens 5 $Q
sed 's/"seq_len": 64}/"seq_len": 64, "attention_dconv": 17}/' "$CFG" >"$tmp/wide_dconv.json"
expect 2 "/model/attention_dconv: expected an integer between 0 and 16, got 17" -- "$BIN" generate "$tmp/wide_dconv.json" --tokens 5 $Q
sed 's/"seq_len": 64}/"seq_len": 64, "talking_heads": 1}/' "$CFG" >"$tmp/bad_talking.json"
expect 2 "/model/talking_heads: expected true or false" -- "$BIN" generate "$tmp/bad_talking.json" --tokens 5 $Q
sed 's/"seq_len": 64}/"seq_len": 64, "talking_heads": true, "attention_dconv": true}/' "$CFG" >"$tmp/variants.json"
expect 0 "^The "                    -- "$BIN" generate "$tmp/variants.json" --tokens 20 --prompt "The " $Q

# cached and uncached: the same text (greedy, and top-p with a seed), past seq_len (64) so the window moves
for s in "--sampling greedy" "--sampling top_p --top-p 0.8 --temperature 0.9 --seed 4"; do
  "$BIN" generate "$CFG" --tokens 100 --prompt "The " $s --train-steps 20 --threads 1 >"$tmp/cached.txt" 2>/dev/null
  "$BIN" generate "$CFG" --tokens 100 --prompt "The " $s --train-steps 20 --threads 1 --no-cache >"$tmp/uncached.txt" 2>/dev/null
  same "cached and uncached text ($s)" "$tmp/cached.txt" "$tmp/uncached.txt"
done
# greedy speculative decoding: the target's greedy text exactly
"$BIN" generate "$CFG" --tokens 100 --prompt "The " --train-steps 20 --threads 1 >"$tmp/target.txt" 2>/dev/null
"$BIN" generate "$CFG" --tokens 100 --prompt "The " --train-steps 20 --threads 1 --draft "$DRAFT" --draft-train-steps 20 \
  --gamma 3 --stats >"$tmp/spec.txt" 2>"$tmp/spec.err"
same "greedy speculative and the target's greedy text" "$tmp/target.txt" "$tmp/spec.txt"
for pattern in "acceptance rate [01]\.[0-9]+" "speed-up over the target alone: [0-9.]+x" "K/V read [0-9]+ bytes"; do
  if grep -qE "$pattern" "$tmp/spec.err"; then passes=$((passes+1)); else echo "FAIL: --stats lacks /$pattern/"; cat "$tmp/spec.err"; fails=$((fails+1)); fi
done
expect 0 "memory / arithmetic: [0-9.]+ bytes per FLOP" -- "$BIN" generate "$CFG" --tokens 10 --stats $Q

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
