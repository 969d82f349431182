# Shared by the CLI test scripts (sourced, not a test itself): a scratch directory, pass/fail counters and expect().
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fails=0; passes=0

# expect CODE PATTERN -- command...: exit code CODE, stderr+stdout matching PATTERN, and on code 2 (bad usage or
# input) exactly one line of stderr
expect() {
  local code=$1 pattern=$2; shift 3
  "$@" >"$tmp/out" 2>"$tmp/err"; local got=$?
  local lines; lines=$(wc -l <"$tmp/err")
  if [ "$got" -ne "$code" ] || ! grep -qE -- "$pattern" "$tmp/out" "$tmp/err" || { [ "$code" -eq 2 ] && [ "$lines" -gt 1 ]; }; then
    echo "FAIL: $* -> exit $got (want $code), stderr $lines lines, want /$pattern/"; sed 's/^/    /' "$tmp/err" | head -5
    fails=$((fails+1))
  else
    passes=$((passes+1))
  fi
}
