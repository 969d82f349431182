# Shared by the CLI test scripts (sourced; lives below tests/cli/ so CTest does not run it as a test).
# Needs $tmp (a scratch directory); counts into $passes and $fails.
passes=${passes:-0}; fails=${fails:-0}

# expect CODE PATTERN -- command...: exit code CODE, stderr+stdout matching PATTERN, at most 1 line of stderr for
# code 2 (the one-line message every command promises for bad usage or input)
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
