#!/usr/bin/env bash
# Builds native/aead/aead.node, the cipher worker's AES-256-GCM into given
# memory (native/aead/aead.c), against this Node's N-API headers and the
# system's OpenSSL (libssl-dev). One C file needs no node-gyp: a compiler
# call, checked with every warning as an error. The kiosk falls back to
# node:crypto where the file is missing, and `kioskctl status` says which
# cipher it runs; the appliance package (build-deb.sh) ships the file.
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/.."
headers="$(node -p "require('node:path').resolve(process.execPath, '../../include/node')")"
[ -f "$headers/node_api.h" ] || { echo "build-native: no node_api.h under $headers (Debian: apt-get install libnode-dev)" >&2; exit 1; }
out=native/aead/aead.node
tmp="$out.tmp.$$"
trap 'rm -f "$tmp"' EXIT
cc -std=c11 -O2 -fPIC -shared -Wall -Wextra -Werror -fvisibility=hidden -I"$headers" -o "$tmp" native/aead/aead.c -lcrypto
mv "$tmp" "$out"
