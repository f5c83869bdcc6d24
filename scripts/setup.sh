#!/usr/bin/env bash
# Installs everything court-kiosk needs on a fresh Debian 12 machine with
# Node 20: Debian's chromium, ffmpeg, openssl and sqlite3 when missing, the
# appliance's cage, xwayland, grim, wtype, xdotool and socat, the npm
# dependencies (native builds of better-sqlite3 and drivelist included), the
# store's native cipher (native/aead), and the built renderer and shells.
# Safe to run again.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else echo "setup: need root for: $*" >&2; exit 2; fi; }

need=()
command -v chromium >/dev/null || need+=(chromium)
command -v ffmpeg >/dev/null || need+=(ffmpeg)
command -v ffprobe >/dev/null || need+=(ffmpeg)
command -v openssl >/dev/null || need+=(openssl)
command -v sqlite3 >/dev/null || need+=(sqlite3)
command -v curl >/dev/null || need+=(curl)
command -v mkfs.vfat >/dev/null || need+=(dosfstools)
command -v pdftoppm >/dev/null || need+=(poppler-utils)
# libfaketime: the clock test steps the wall clock back under a running service
command -v faketime >/dev/null || need+=(faketime)
# The appliance (docs/appliance.md) and its tests: the package is built with
# dpkg-deb, its units checked with systemd-analyze, and the display run under
# headless cage (Xwayland beside it), captured with grim and typed at with
# wtype; socat carries the service's sd_notify datagrams.
command -v systemd-analyze >/dev/null || need+=(systemd)
command -v cage >/dev/null || need+=(cage)
command -v Xwayland >/dev/null || need+=(xwayland)
command -v grim >/dev/null || need+=(grim)
command -v wtype >/dev/null || need+=(wtype)
# cage 0.1.4 (Debian 12) has no virtual keyboard for wtype: the appliance test
# types its shortcuts into Chromium on cage's Xwayland with xdotool.
command -v xdotool >/dev/null || need+=(xdotool)
command -v socat >/dev/null || need+=(socat)
# The store's native AES-GCM (native/aead, scripts/build-native.sh): a C
# compiler and OpenSSL's headers.
command -v cc >/dev/null || need+=(gcc)
[ -f /usr/include/openssl/evp.h ] || need+=(libssl-dev)
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing from Debian: ${need[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# Electron's binary is downloaded only where that is possible and wanted;
# everything else runs on the web shell and Debian's Chromium.
export ELECTRON_SKIP_BINARY_DOWNLOAD="${ELECTRON_SKIP_BINARY_DOWNLOAD:-1}"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci (better-sqlite3 and drivelist compile from source: about 2 minutes)"
  # npm ci refuses a lock file that lacks other platforms' optional packages
  # (rollup's android/darwin/win32 builds), which a registry mirror without
  # them cannot supply; npm install then installs the same locked versions.
  npm ci --no-audit --no-fund || npm install --no-audit --no-fund
fi
bash scripts/build-native.sh
npm run --silent build
