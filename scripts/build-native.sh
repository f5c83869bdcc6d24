#!/usr/bin/env bash
# Builds the kiosk's native addons against this Node's N-API headers and the
# system's OpenSSL (libssl-dev):
#   native/aead/aead.node  the cipher worker's AES-256-GCM into given memory;
#   native/tls/tls.node    a download's TLS connection on a thread of its own,
#                          decrypting into the store's slots.
# One C file each needs no node-gyp: a compiler call, checked with every
# warning as an error. The kiosk falls back to node:crypto and Node's TLS
# socket where a file is missing, and `kioskctl selftest` says which run; the
# appliance package (build-deb.sh) ships both.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
headers="$(node -p "require('node:path').resolve(process.execPath, '../../include/node')")"
[ -f "$headers/node_api.h" ] || { echo "build-native: no node_api.h under $headers (Debian: apt-get install libnode-dev)" >&2; exit 1; }
tmp=""
trap 'rm -f "$tmp"' EXIT
build() { # name, libraries...
  local name=$1
  shift
  local out="native/$name/$name.node"
  tmp="$out.tmp.$$"
  cc -std=c11 -O2 -fPIC -shared -Wall -Wextra -Werror -fvisibility=hidden -I"$headers" -o "$tmp" "native/$name/$name.c" "$@"
  mv "$tmp" "$out"
}
build aead -lcrypto
build tls -lssl -lcrypto
