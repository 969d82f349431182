# Following a running window through its --state-out file ($tmp/state.json), for the hot-reload tests.
# The caller defines $tmp, $pid (the window's process) and fail().

# state 'python expression over l (the lesson block of the state)': true when it holds
state() {
    python3 - "$tmp/state.json" "$1" <<'PY'
import json, sys
try:
    l = json.load(open(sys.argv[1]))["lesson"] or {}
except Exception:
    sys.exit(1)
sys.exit(0 if eval(sys.argv[2], {"l": l}) else 1)
PY
}

# wait_for SECONDS 'expression' what: until the state holds, the window has exited (fail) or time is up (fail)
wait_for() {
    local end=$((SECONDS + $1))
    while [ $SECONDS -lt $end ]; do
        state "$2" && return 0
        kill -0 "$pid" 2>/dev/null || fail "the window exited before: $3"
        sleep 0.2
    done
    fail "timed out waiting for: $3"
}
