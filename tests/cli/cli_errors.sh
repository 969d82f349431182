#!/usr/bin/env bash
# CLI: help, bad flags, broken configs and a diverging run each end with one clear line and the documented
# exit code (0 ok, 1 the work failed, 2 bad usage or input), never a crash.
set -u
BIN=$1; SRC=$2
BROKEN=$SRC/tests/data/broken_configs
source "$SRC/tests/cli/expect.bash"

expect 0 "usage: noamlab"          -- "$BIN" help
expect 0 "usage: noamlab train"    -- "$BIN" train --help
expect 0 "usage: noamlab dump"     -- "$BIN" dump --help
expect 0 "usage: noamlab bench"    -- "$BIN" bench --help
expect 2 "unknown command 'trian'" -- "$BIN" trian
expect 2 "unknown flag '--stpes'"  -- "$BIN" train "$SRC/configs/default.json" --stpes 5
expect 2 "--steps expects a whole number" -- "$BIN" train "$SRC/configs/default.json" --steps many
expect 2 "--steps must be between" -- "$BIN" train "$SRC/configs/default.json" --steps -3
expect 2 "flag --out needs a value" -- "$BIN" train "$SRC/configs/default.json" --out
expect 2 "expected one CONFIG"     -- "$BIN" train
expect 2 "cannot open"             -- "$BIN" train "$tmp/no_such_config.json"
expect 2 "syntax_error.json:1:.*malformed JSON" -- "$BIN" train "$BROKEN/syntax_error.json"
expect 2 "empty.json.*malformed JSON" -- "$BIN" train "$BROKEN/empty.json"
expect 2 "/model/d_model: expected an integer.*got a string" -- "$BIN" train "$BROKEN/wrong_type.json"
expect 2 "/data: missing"          -- "$BIN" train "$BROKEN/missing_data.json"
expect 2 "/model/d_model: expected an integer between 1 and 8192, got -8" -- "$BIN" train "$BROKEN/negative_size.json"
expect 2 "/model/n_head: unknown key" -- "$BIN" train "$BROKEN/unknown_key.json"
expect 2 "/model/n_heads: d_model \(60\) must be divisible by n_heads \(8\)" -- "$BIN" train "$BROKEN/heads_do_not_divide.json"
expect 2 "/data/task: expected one of copy, reverse" -- "$BIN" train "$BROKEN/unknown_task.json"
expect 2 "corpus.*/nonexistent/corpus.txt" -- "$BIN" train "$BROKEN/missing_corpus.json"
expect 2 "expected an object, got an array" -- "$BIN" train "$BROKEN/not_an_object.json"
expect 2 "--out F.json is required" -- "$BIN" dump "$SRC/configs/default.json"

# a huge learning rate: the run stops itself with a message, exit 1, and still writes what it has
expect 1 "loss is not finite.*learning rate" -- "$BIN" train "$SRC/configs/default.json" --lr 1e9 --steps 300 --out "$tmp/diverged.json"
if ! grep -q '"stopped": "training stopped' "$tmp/diverged.json" 2>/dev/null; then
  echo "FAIL: the diverged run did not write its history with the reason"; fails=$((fails+1))
else passes=$((passes+1)); fi

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
