# Shared by the GUI test scripts (sourced; not a test itself: CTest runs tests/gui/*.sh only).
#   gui NAME ARGS...   runs `noamlab gui ARGS` under Xvfb at 1280x800 with its own settings folder, writing
#                      $tmp/NAME.png (screenshot) and $tmp/NAME.json (layout); on a non-zero exit prints the
#                      window's output and fails. Needs $BIN and $tmp.
command -v xvfb-run >/dev/null || { echo "FAIL: xvfb-run is missing (apt-get install xvfb xauth)"; exit 1; }

gui() {
    local name=$1; shift
    set +e
    XDG_CONFIG_HOME="$tmp/config" xvfb-run -a -s '-screen 0 1280x800x24' "$BIN" gui "$@" \
        --screenshot "$tmp/$name.png" --layout-out "$tmp/$name.json" >"$tmp/$name.out" 2>"$tmp/$name.err"
    local rc=$?
    set -e
    if [ $rc -ne 0 ]; then echo "FAIL: noamlab gui $* exited with $rc"; cat "$tmp/$name.out" "$tmp/$name.err"; exit 1; fi
}
