#!/bin/bash
# Alternates curl and four layouts of bench/native-fetch.c (--workers 2/1/0,
# --slots) against one bench TIS server, ROUNDS rounds; one JSON line per
# fetch: curl's seconds and CPU, or native-fetch's own JSON as "r"; the
# server's CPU meanwhile (bc prints it without a leading zero: ".94").
# Usage, from the repository root, after one run of bench/tis.ts (which
# makes bench/.work/tis: the part, the case and the certificates):
#   bash docs/perf/native-tls/native-variants.sh 3 > variants.jsonl
set -euo pipefail
rounds=${1:-3}
W=bench/.work/tis; P=$W/pki
cc -O2 -pthread -o $W/native-fetch bench/native-fetch.c -lssl -lcrypto
node --import tsx scripts/tis-server/main.ts --root $W/root --certs $P > $W/srv.out 2>/dev/null &
srv=$!
trap 'kill $srv' EXIT
for i in $(seq 50); do [ -s $W/srv.out ] && break; sleep 0.2; done
U=$(head -1 $W/srv.out); H="$U/api/v1/cases/BENCH%201%2F25/files/part-1024MiB.bin"
# The server hashes the part once, on its first listing.
curl -sS --cacert $P/ca.crt --cert $P/client.crt --key $P/client.key "$U/api/v1/cases/BENCH%201%2F25/recordings" > /dev/null
scpu() { awk '{print ($14+$15)/100}' /proc/$srv/stat; }
for r in $(seq $rounds); do
  s0=$(scpu); t0=$(date +%s.%N)
  c=$( { /usr/bin/time -f '%U %S' curl -sS --fail --cacert $P/ca.crt --cert $P/client.crt --key $P/client.key -o /dev/null "$H"; } 2>&1 )
  t1=$(date +%s.%N); s1=$(scpu)
  echo "{\"round\":$r,\"side\":\"curl\",\"seconds\":$(echo "$t1 - $t0" | bc),\"cpu\":$(echo $c | awk '{print $1+$2}'),\"serverCpu\":$(echo "$s1 - $s0" | bc)}"
  for v in "2 4" "2 16" "1 4" "1 16" "0 1"; do
    set -- $v
    s0=$(scpu)
    out=$($W/native-fetch "$H" $P/ca.crt $P/client.crt $P/client.key $W/native.out --workers $1 --slots $2)
    s1=$(scpu); rm -f $W/native.out
    echo "{\"round\":$r,\"side\":\"native-w$1-s$2\",\"serverCpu\":$(echo "$s1 - $s0" | bc),\"r\":$out}"
  done
done
