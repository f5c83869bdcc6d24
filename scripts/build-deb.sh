#!/usr/bin/env bash
# Builds dist/court-kiosk_<version>_amd64.deb with dpkg-deb: the web-shell
# appliance (the kiosk service, cage + Chromium), which builds on any Debian
# 12 machine. Electron's binary is not needed, nor packaged.
#   /usr/lib/court-kiosk/          package.json, dist/{web,cli,renderer}, kiosk-config/, production node_modules, bin/, native/{aead/aead,tls/tls}.node
#   /usr/bin/kioskctl              runs the bundled kioskctl
#   /lib/systemd/system/           court-kiosk.service, court-kiosk-display.service
#   /etc/court-kiosk/kiosk-config.json        (conffile; root:court-kiosk 0640 by postinst)
#   /etc/chromium/policies/managed/court-kiosk.json
#   /etc/pam.d/court-kiosk-display, sysusers.d, tmpfiles.d, udev rule
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
cd "$root"
here=scripts/appliance
version="$(node -p "require('./package.json').version")"
out="dist/court-kiosk_${version}_amd64.deb"

# One build at a time: two test files (or a person and CI) building together
# would write the same dist/ and the same .deb.
mkdir -p dist
exec 9>dist/.build-deb.lock
flock 9
npm run --silent build >/dev/null 2>&1 || npm run --silent build
stage="$(mktemp -d "${TMPDIR:-/tmp}/court-kiosk-deb.XXXXXX")"
chmod 0755 "$stage" # mktemp made it 0700; it becomes / in the package
trap 'rm -rf "$stage"' EXIT
lib="$stage/usr/lib/court-kiosk"
install -d "$lib/dist" "$lib/bin" "$lib/node_modules" "$stage/usr/bin" "$stage/lib/systemd/system" \
  "$stage/etc/court-kiosk" "$stage/etc/chromium/policies/managed" "$stage/etc/pam.d" \
  "$stage/usr/lib/sysusers.d" "$stage/usr/lib/tmpfiles.d" "$stage/usr/share/doc/court-kiosk" "$stage/DEBIAN"

cp package.json "$lib/"
cp -r kiosk-config "$lib/"
cp -r dist/web dist/cli dist/renderer "$lib/dist/"
# The production dependencies only (npm's own list), without build scratch:
# better-sqlite3 ships its compiled addon, not SQLite's sources or objects.
npm ls --omit=dev --all --parseable 2>/dev/null | sed 1d | sed -n "s#^$root/node_modules/##p" | sort -u >"$stage/prod.list"
(cd node_modules && tar -cf - --exclude='*/build/Release/obj*' --exclude='*/build/Release/.deps' --exclude='better-sqlite3/deps' \
  --exclude='better-sqlite3/src' --exclude='*.a' -T "$stage/prod.list") | tar -xf - -C "$lib/node_modules"
rm "$stage/prod.list"
# The store's native AES-GCM and the download's TLS reader (scripts/build-native.sh), where app-root finds them: <app>/native/<name>/<name>.node.
[ -f native/aead/aead.node ] && [ -f native/tls/tls.node ] || bash scripts/build-native.sh
install -D -m 0644 native/aead/aead.node "$lib/native/aead/aead.node"
install -D -m 0644 native/tls/tls.node "$lib/native/tls/tls.node"
install -m 0755 "$here/court-kiosk-display" "$lib/bin/court-kiosk-display"
cat >"$stage/usr/bin/kioskctl" <<'SH'
#!/bin/sh
# kioskctl of the installed appliance: the bundled CLI, on the appliance's data directory and configuration.
export KIOSK_DATA_DIR="${KIOSK_DATA_DIR:-/var/lib/court-kiosk}" KIOSK_CONFIG="${KIOSK_CONFIG:-/etc/court-kiosk/kiosk-config.json}"
exec /usr/bin/node --no-concurrent-marking /usr/lib/court-kiosk/dist/cli/kioskctl.mjs "$@"
SH
chmod 0755 "$stage/usr/bin/kioskctl"
install -m 0644 "$here/court-kiosk.service" "$here/court-kiosk-display.service" "$here/court-kiosk-carrier@.service" "$stage/lib/systemd/system/"
install -m 0640 kiosk-config/court-kiosk-pl.json "$stage/etc/court-kiosk/kiosk-config.json"
install -m 0644 "$here/chromium-policy.json" "$stage/etc/chromium/policies/managed/court-kiosk.json"
install -m 0644 "$here/pam-display" "$stage/etc/pam.d/court-kiosk-display"
install -m 0644 "$here/sysusers.conf" "$stage/usr/lib/sysusers.d/court-kiosk.conf"
install -m 0644 "$here/tmpfiles.conf" "$stage/usr/lib/tmpfiles.d/court-kiosk.conf"
for f in "$here"/*.rules; do [ -e "$f" ] && install -D -m 0644 "$f" "$stage/usr/lib/udev/rules.d/$(basename "$f")"; done
for f in "$here"/libexec/*; do [ -e "$f" ] && install -D -m 0755 "$f" "$lib/libexec/$(basename "$f")"; done
[ -f docs/appliance.md ] && install -m 0644 docs/appliance.md "$stage/usr/share/doc/court-kiosk/"

sed "s/@VERSION@/$version/" "$here/control.in" >"$stage/DEBIAN/control"
install -m 0755 "$here/postinst" "$here/prerm" "$here/postrm" "$stage/DEBIAN/"
printf '%s\n' /etc/court-kiosk/kiosk-config.json /etc/chromium/policies/managed/court-kiosk.json /etc/pam.d/court-kiosk-display >"$stage/DEBIAN/conffiles"

# gzip: every dpkg reads it, and it is quick on the CI's two cores. Written
# beside and renamed, so a reader never sees half a package.
dpkg-deb --root-owner-group -Zgzip --build "$stage" "$out.part" >/dev/null
mv "$out.part" "$out"
echo "$out"
