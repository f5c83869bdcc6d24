// The cipher worker's sealing of 4 MiB shared slots in 256 KiB chunks, 1 GiB per round, CPU of
// the worker thread; NATIVE=1 seals with native/aead (scripts/build-native.sh) instead of node:crypto.
//   node --no-concurrent-marking docs/perf/wipe/worker-seal.cjs
const { Worker } = require('node:worker_threads');
const fs = require('node:fs');
const src = `
const { parentPort } = require('node:worker_threads');
const crypto = require('node:crypto'); const g = process.env.NATIVE ? require(${JSON.stringify(require('node:path').join(__dirname, '../../../native/aead/aead.node'))}) : null;
const key = crypto.randomBytes(32);
const sab = new SharedArrayBuffer(4<<20); const plain = Buffer.from(sab); crypto.randomFillSync(plain);
let counter = 0;
parentPort.on('message', (m) => {
  const out = new Uint8Array(m.out || new ArrayBuffer((4<<20) + 16*16));
  let o = 0;
  if (g) for (let off = 0; off < plain.length; off += 262144) {
    const n = Buffer.alloc(12); n.writeUIntBE(counter++, 5, 6);
    o += g.sealChunkInto(key, n, n, plain.subarray(off, off + 262144), out.subarray(o));
  } else for (let off = 0; off < plain.length; off += 262144) {
    const n = Buffer.alloc(12); n.writeUIntBE(counter++, 5, 6);
    const c = crypto.createCipheriv('aes-256-gcm', key, n); c.setAAD(n);
    const ct = c.update(plain.subarray(off, off + 262144)); c.final();
    out.set(ct, o); o += ct.length; out.set(c.getAuthTag(), o); o += 16;
  }
  parentPort.postMessage({ out: out.buffer, tid: fs.readFileSync('/proc/thread-self/stat','utf8').split(' ')[0] }, [out.buffer]);
});
const fs = require('node:fs');
`;
const w = new Worker(src, { eval: true });
function cpu(tid) { const s = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8'); const f = s.slice(s.lastIndexOf(')') + 2).split(' '); return [Number(f[11]) / 100, Number(f[12]) / 100]; }
let n = 0, out, tid, t0, c0; let round = 0;
w.on('message', (m) => {
  out = m.out; tid = m.tid;
  if (n === 0 && round === 0 && !t0) { t0 = process.hrtime.bigint(); c0 = cpu(tid); }
  if (++n >= 256) {
    const c = cpu(tid); console.log(JSON.stringify({ wall: (Number(process.hrtime.bigint() - t0) / 1e9).toFixed(3), user: (c[0] - c0[0]).toFixed(2), sys: (c[1] - c0[1]).toFixed(2) }));
    n = 0; t0 = process.hrtime.bigint(); c0 = c;
    if (++round === 3) { w.terminate(); return; }
  }
  w.postMessage({ out }, [out]);
});
w.postMessage({});
