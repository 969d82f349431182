#!/usr/bin/env bash
# noamlab check with translations (lessons/<lang>/<file>): a lesson's sidecars are checked with it, a sidecar given
# by its path against its English lesson; a broken one names the file, the JSON path and the problem in one line.
# lesson list / run --lang zh show the translated text.
set -u
BIN=$1; SRC=$2
DATA=$SRC/tests/data
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0; passes=0
. "$SRC/tests/cli/lib/expect.sh"

expect 0 "zh/language_test.json: OK \(translation\)" -- "$BIN" check "$DATA/lessons/language_test.json"
expect 0 "zh/compare_runs.json: OK \(Adam 与 SGD 并排, 3 steps, translates compare_runs.json\)" -- "$BIN" check "$DATA/lessons/zh/compare_runs.json"
expect 2 "broken_translations/zh/steps_count.json: /steps: expected 3 steps" -- "$BIN" check "$DATA/broken_translations/zh/steps_count.json"
# the English lesson is fine, its sidecar is not: check says which
expect 2 "zh/watch_for_count.json: /steps/0/watch_for: expected 1 entries" -- "$BIN" check "$DATA/broken_translations/watch_for_count.json"
mkdir -p "$tmp/zh" && cp "$DATA/lessons/zh/language_test.json" "$tmp/zh/"
expect 2 "a translation needs its English lesson" -- "$BIN" check "$tmp/zh/language_test.json"
expect 0 "复制一个序列" -- "$BIN" lesson list "$DATA/lessons" --lang zh
expect 0 "Copying a sequence" -- "$BIN" lesson list "$DATA/lessons"
expect 2 "--lang: expected en or zh" -- "$BIN" lesson list "$DATA/lessons" --lang fr
# a lesson without its translation plays in English and says so
mkdir -p "$tmp/en" && cp "$DATA/lessons/language_test.json" "$tmp/en/"
expect 0 "not yet translated" -- "$BIN" lesson list "$tmp/en" --lang zh

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
