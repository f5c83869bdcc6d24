// The V8 flags of every process that may own a data directory: the kiosk
// service (court-kiosk.service), kioskctl (scripts/kioskctl and the
// appliance's /usr/bin/kioskctl) and the Electron main (scripts/start.mjs).
// They are launch flags, not a setting: V8 reads them once, at start-up.
//
// --no-concurrent-marking: node:crypto has no update-into, so sealing and
// opening the store's chunks leaves a new buffer per 256 KiB chunk, and V8
// keeps starting major marking to follow that memory. With concurrent
// marking its four helper threads marked for 0.5-1.4 CPU-s per GiB on this
// two-core machine (perf in docs/perf/budget/), next to the hash worker and
// the cipher they compete with; the same marking done in steps on the main
// thread cost about 0.1 CPU-s. Store write 1.94-1.97 against 2.46-2.70 CPU-s
// per GiB, TIS fetch 3.7-3.8 against 4.8-4.9, in alternating runs. Pauses stay
// short: the kiosk's heap is tens of megabytes.
export const OWNER_V8_FLAGS: readonly string[] = ['--no-concurrent-marking'];
