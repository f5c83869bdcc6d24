#!/usr/bin/env bash
# Makes the test PKI for the TIS reference server, the TIS client tests and the
# CMS (protocol signature) tests:
#
#   ca.{key,crt}                court CA (the only CA the kiosk trusts for TLS)
#   server.{key,crt}            TIS server, SAN IP:127.0.0.1 + DNS:localhost, issued by the court CA
#   client.{key,crt}            kiosk client certificate, issued by the court CA
#   other-ca.{key,crt}          an unrelated CA
#   other-server.{key,crt}      a server certificate for 127.0.0.1/localhost from the unrelated CA
#   other-client.{key,crt}      a client certificate from the unrelated CA
#   signer.{key,crt}            protocol signer (a court secretary), issued by the court CA
#   rogue-signer.{key,crt}      a second signer, self-signed: trusted by nobody
#
# Usage: scripts/tis-certs.sh OUTDIR
# Idempotent: files that already exist are kept, so running it twice changes
# nothing; delete OUTDIR to start over. Test material only: keys are unencrypted.
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 OUTDIR" >&2
  exit 2
fi
out=$1

if ! command -v openssl >/dev/null 2>&1; then
  # CI runs on a fresh Debian 12 as root.
  apt-get update -qq && apt-get install -y -qq openssl >/dev/null
fi

mkdir -p "$out"
cd "$out"
umask 077

days=3650

key_ec() { # name
  [ -s "$1.key" ] || openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>/dev/null
}
key_rsa() { # name
  [ -s "$1.key" ] || openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1.key" 2>/dev/null
}

ca() { # name subject
  key_ec "$1"
  [ -s "$1.crt" ] || openssl req -x509 -new -key "$1.key" -sha256 -days "$days" -utf8 -subj "$2" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "subjectKeyIdentifier=hash" \
    -out "$1.crt"
}

leaf() { # name subject issuer extfile-content keytype
  if [ "${5:-ec}" = rsa ]; then key_rsa "$1"; else key_ec "$1"; fi
  if [ ! -s "$1.crt" ]; then
    printf '%s\n' "$4" >"$1.ext"
    openssl req -new -key "$1.key" -utf8 -subj "$2" -out "$1.csr"
    openssl x509 -req -in "$1.csr" -CA "$3.crt" -CAkey "$3.key" -CAcreateserial -sha256 -days "$days" \
      -extfile "$1.ext" -out "$1.crt" 2>/dev/null
    rm -f "$1.csr" "$1.ext"
  fi
}

server_ext='basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost'
client_ext='basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth'
signer_ext='basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,nonRepudiation
extendedKeyUsage=emailProtection'

ca ca "/C=PL/O=Court Kiosk Test/CN=Court Test CA"
leaf server "/C=PL/O=Court Kiosk Test/CN=tis.test" ca "$server_ext"
leaf client "/C=PL/O=Court Kiosk Test/CN=kiosk-01" ca "$client_ext"

ca other-ca "/C=PL/O=Somebody Else/CN=Unrelated Test CA"
leaf other-server "/C=PL/O=Somebody Else/CN=tis.other" other-ca "$server_ext"
leaf other-client "/C=PL/O=Somebody Else/CN=kiosk-other" other-ca "$client_ext"

leaf signer "/C=UA/O=Court Kiosk Test/CN=Секретар Іваненко" ca "$signer_ext" rsa

key_rsa rogue-signer
[ -s rogue-signer.crt ] || openssl req -x509 -new -key rogue-signer.key -sha256 -days "$days" -utf8 \
  -subj "/C=UA/O=Nobody/CN=Rogue Signer" -addext "keyUsage=critical,digitalSignature,nonRepudiation" \
  -out rogue-signer.crt

chmod 0644 ./*.crt
echo "$out"
