#!/usr/bin/env bash
# Debian packages used by interop, store and browser tests. Idempotent; skips what is installed.
set -euo pipefail
pkgs=(mktorrent transmission-cli transmission-daemon aria2 python3-libtorrent redis-server opentracker chromium iproute2 util-linux)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
