#!/usr/bin/env bash
# Regenerates the committed PyTorch reference numbers in tests/data/reference/ (read by
# tests/unit/test_reference.cpp). Run it by hand, never in CI (CI has no torch), and only when the model's
# definition changes on purpose; commit the new files with the change that needed them.
#
#   usage: tests/reference/regenerate.sh [NOAMLAB_BINARY]       (default: build/noamlab)
#
# For each tests/reference/configs/NAME.json it runs `noamlab dump NAME.json --steps 3` (three training steps,
# so the weights have left their initial symmetry: norm gains of 1, zero biases), then
# make_reference.py, which rebuilds the model in PyTorch float64, runs the dumped batch forward and backward,
# prints how far our numbers are from torch's, and writes tests/data/reference/NAME.json.
# Needs /usr/bin/python3 with torch >= 1.12 (Debian: apt install python3-torch).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
noamlab="${1:-$root/build/noamlab}"
python=/usr/bin/python3   # the python first on PATH may lack torch
out_dir="$root/tests/data/reference"

if [[ ! -x "$noamlab" ]]; then
  echo "regenerate.sh: no noamlab binary at $noamlab; build it (cmake --build build --target noamlab) or pass its path" >&2
  exit 2
fi
if ! "$python" -c "import torch" 2>/dev/null; then
  echo "regenerate.sh: $python cannot import torch; install python3-torch (Debian) or torch for that python" >&2
  exit 2
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out_dir"
for config in "$here"/configs/*.json; do
  name="$(basename "$config" .json)"
  "$noamlab" dump "$config" --steps 3 --out "$tmp/$name.dump.json"
  "$python" "$here/make_reference.py" "$tmp/$name.dump.json" --out "$out_dir/$name.json" --name "$name"
  echo
done
# the MoE layer cases (tests/data/reference/moe/), from the script alone
"$python" "$here/make_moe_reference.py" --out-dir "$out_dir/moe"
