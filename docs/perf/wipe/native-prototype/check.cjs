const crypto = require('node:crypto');
const g = require('./gcm.node');
const key = crypto.randomBytes(32), aad = crypto.randomBytes(40);
const cs = 262144; const plain = crypto.randomBytes(cs * 3 + 1000);
const dst = new Uint8Array(plain.length + 4 * 16);
const n = g.seal(key, aad, 7, plain, dst, cs, true);
// reference
let o = 0, ok = true, ctr = 7;
for (let off = 0; off < plain.length; off += cs, ctr++) {
  const p = plain.subarray(off, off + cs); const iv = Buffer.alloc(12); iv.writeUIntBE(ctr, 5, 6); iv[11] = off + cs >= plain.length ? 1 : 0;
  const c = crypto.createCipheriv('aes-256-gcm', key, iv); c.setAAD(aad); const ct = Buffer.concat([c.update(p), c.final(), c.getAuthTag()]);
  if (!ct.equals(Buffer.from(dst.subarray(o, o + ct.length)))) ok = false; o += ct.length;
}
console.log('equal', ok, n === o);
