// DER from what a carrier or the configuration holds: PEM blocks or raw DER.
export function toDer(input: Buffer): ArrayBuffer {
  const head = input.subarray(0, 64).toString('latin1').trimStart();
  const der = head.startsWith('-----BEGIN') ? pemBlocks(input.toString('latin1'))[0] : input;
  if (!der || der.length === 0) throw new Error('empty');
  return der.buffer.slice(der.byteOffset, der.byteOffset + der.byteLength) as ArrayBuffer;
}

export function pemBlocks(pem: string): Buffer[] {
  const out: Buffer[] = [];
  for (const m of pem.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g)) {
    out.push(Buffer.from((m[2] ?? '').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64'));
  }
  if (out.length === 0) throw new Error('no PEM block');
  return out;
}
