#!/usr/bin/env bash
# Installs the Debian packages NoamLab needs, only when one is missing.
#   tools/install-deps.sh run    build + run the app
#   tools/install-deps.sh test   also what the tests need (GoogleTest, Xvfb, xdotool, benchmark, clang + libFuzzer)
set -euo pipefail
what=${1:-run}
pkgs=(g++ make cmake pkg-config libimgui-dev libstb-dev libglfw3-dev nlohmann-json3-dev libgl-dev
      libgl1-mesa-dri fonts-dejavu-core fonts-wqy-microhei fortunes-min fortunes-zh)
if [ "$what" = test ]; then
  pkgs+=(libgtest-dev libbenchmark-dev xvfb xauth xdotool python3 clang libclang-rt-14-dev)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "noamlab: missing Debian packages: ${missing[*]}; run as root or: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "noamlab: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
