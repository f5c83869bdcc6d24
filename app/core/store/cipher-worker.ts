// The cipher worker: one kept worker thread (../pipeline/kept-worker) that
// seals slots for the store's ingest (./slot-sealer) and opens sealed chunks
// into slots for its reads (./slot-opener). On two cores the main thread
// carries the I/O (and a download's TLS), the hash worker SHA-256; AES-GCM
// and the garbage of node:crypto's output buffers (a new one per chunk) go
// here, where they are collected on this worker's own heap.
//
// The format is ./chunked-aead's byte for byte (test/core/store/slot-sealer
// and slot-opener tests hold the worker to sealChunk and openChunk): the
// source repeats nonceFor and the hold-back of ChunkSealer because an eval'd
// worker cannot import them.
//
// Protocol (besides KeptWorker's `id`):
//   seal  {sab, off, len, out, begin?: {key, aad, cs, at}}    -> {lead, len}
//   end   {out}                                               -> {lead, len}
//   open  {sab, off, first, count, slot, slotOff, begin?: {key, aad, cs, size}}
//                                                             -> {len} | {bad: {reason, chunk}}
//   drop  {}                                                  (no answer)
//   info  {}                                                  -> {backend, error?}
// A stream's key comes with its first request, moved here, and is wiped when
// the stream ends or is dropped.
//
// The cipher itself is native/aead (OpenSSL's EVP writing into the slot or
// the output buffer) where it is built, else node:crypto, whose update()
// allocates, zero-fills and copies a new buffer per chunk: about as much CPU
// again as AES-GCM itself (docs/performance.md). Both give the same bytes;
// the format (nonce, AAD, chunking) is decided here either way.
import { DIRECT_ALIGN, KeptWorker } from '../pipeline';
import { TAG_LEN } from './chunked-aead';
import { nativeAeadPath, type CipherBackend } from './native-aead';

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const crypto = require('node:crypto');
const TAG = ${TAG_LEN};
const ALIGN = ${DIRECT_ALIGN};
const ADDON = ${JSON.stringify(nativeAeadPath())};
let aead = null;
let aeadError = ADDON ? undefined : 'not built (scripts/build-native.sh)';
if (ADDON) {
  try { aead = require(ADDON); } catch (e) { aeadError = String(e && e.message || e); }
}
const jobs = new Map();
function nonce(counter, last) {
  const n = Buffer.alloc(12);
  n.writeUIntBE(counter, 5, 6);
  n[11] = last ? 1 : 0;
  return n;
}
// Seals one chunk of job j into out at o; returns the new offset.
function seal(j, plain, last, out, o) {
  if (aead) return o + aead.sealChunkInto(j.key, nonce(j.counter++, last), j.aad, plain, out.subarray(o));
  const c = crypto.createCipheriv('aes-256-gcm', j.key, nonce(j.counter++, last));
  c.setAAD(j.aad);
  const ct = c.update(plain);
  const rest = c.final();
  out.set(ct, o);
  o += ct.length;
  if (rest.length) { out.set(rest, o); o += rest.length; }
  out.set(c.getAuthTag(), o);
  return o + TAG;
}
function end(id) {
  const j = jobs.get(id);
  if (!j) return;
  jobs.delete(id);
  j.key.fill(0);
  if (j.pending) j.pending.fill(0);
}
// The sealed bytes go into m.out, page-aligned shared memory of the caller,
// at the stream's file offset modulo ALIGN (its 'lead'): the caller puts the
// file's last partial block before them and writes the buffer with O_DIRECT
// as it lies, without copying it into a block (../pipeline/direct-file-sink).
function onSeal(m, j) {
  const out = new Uint8Array(m.out);
  const lead = j.pos % ALIGN;
  let o = lead;
  if (m.t === 'seal') {
    // As ChunkSealer.push: a full chunk is held back until more input shows it is not the last.
    const data = Buffer.from(m.sab, m.off, m.len);
    let off = 0;
    while (off < data.length) {
      if (j.fill === j.cs) { o = seal(j, j.pending, false, out, o); j.fill = 0; }
      if (j.fill === 0 && data.length - off > j.cs) { o = seal(j, data.subarray(off, off + j.cs), false, out, o); off += j.cs; continue; }
      const n = Math.min(j.cs - j.fill, data.length - off);
      j.pending.set(data.subarray(off, off + n), j.fill);
      j.fill += n;
      off += n;
    }
  } else {
    o = seal(j, j.pending.subarray(0, j.fill), true, out, o);
    end(m.id);
  }
  j.pos += o - lead;
  parentPort.postMessage({ id: m.id, lead, len: o - lead });
}
// As openChunk, for chunks first..first+count-1 lying one after the other at
// m.off of m.sab: each is authenticated and decrypted into the slot. Nothing
// of a chunk whose tag fails stays in the slot; the caller then wipes the
// rest and never hands the slot on.
function onOpen(m, j) {
  const sealed = Buffer.from(m.sab);
  const slot = Buffer.from(m.slot);
  let i = m.off, w = m.slotOff;
  for (let c = m.first; c < m.first + m.count; c++) {
    const plen = c < j.n - 1 ? j.cs : j.size - (j.n - 1) * j.cs;
    if (aead) {
      // Into the slot directly; a chunk whose tag fails is zeroed there by openChunkInto.
      const got = aead.openChunkInto(j.key, nonce(c, c === j.n - 1), j.aad, sealed.subarray(i, i + plen + TAG), slot.subarray(w, w + plen));
      if (got !== plen) {
        parentPort.postMessage({ id: m.id, bad: { reason: 'chunk authentication failed', chunk: c } });
        return;
      }
      w += plen;
      i += plen + TAG;
      continue;
    }
    const d = crypto.createDecipheriv('aes-256-gcm', j.key, nonce(c, c === j.n - 1));
    d.setAAD(j.aad);
    d.setAuthTag(sealed.subarray(i + plen, i + plen + TAG));
    const body = d.update(sealed.subarray(i, i + plen));
    try {
      d.final();
    } catch {
      body.fill(0);
      parentPort.postMessage({ id: m.id, bad: { reason: 'chunk authentication failed', chunk: c } });
      return;
    }
    slot.set(body, w);
    body.fill(0);
    w += plen;
    i += plen + TAG;
  }
  parentPort.postMessage({ id: m.id, len: w - m.slotOff });
}
parentPort.on('message', (m) => {
  try {
    if (m.t === 'drop') return end(m.id);
    if (m.t === 'info') return parentPort.postMessage({ id: m.id, backend: aead ? 'openssl-evp' : 'node:crypto', error: aeadError });
    if (m.begin) {
      const b = m.begin;
      const j = { key: Buffer.from(b.key), aad: Buffer.from(b.aad), cs: b.cs, counter: 0 };
      if (m.t === 'open') { j.size = b.size; j.n = b.size === 0 ? 1 : Math.ceil(b.size / b.cs); }
      else { j.pending = Buffer.alloc(b.cs); j.fill = 0; j.pos = b.at; }
      jobs.set(m.id, j);
    }
    const j = jobs.get(m.id);
    if (!j) throw new Error('no such stream');
    if (m.t === 'seal' || m.t === 'end') onSeal(m, j);
    else if (m.t === 'open') onOpen(m, j);
    else throw new Error('unknown request ' + m.t);
  } catch (e) {
    end(m.id);
    parentPort.postMessage({ id: m.id, error: String(e && e.message || e) });
  }
});
`;

export const cipherWorker = new KeptWorker(WORKER_SOURCE, 'the cipher worker');

/** Which cipher the worker runs, and why not the native one where it does not. */
export async function cipherBackend(): Promise<{ backend: CipherBackend; reason?: string }> {
  const m = await cipherWorker.ask(cipherWorker.newId(), { t: 'info' });
  const backend: CipherBackend = m.backend === 'openssl-evp' ? 'openssl-evp' : 'node:crypto';
  return typeof m.error === 'string' && backend === 'node:crypto' ? { backend, reason: m.error } : { backend };
}
