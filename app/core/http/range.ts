// HTTP byte ranges (RFC 9110 §14) for assets and media: one range per
// request (players ask for one), 206 with Content-Range, 416 when it cannot be
// satisfied, and Accept-Ranges advertised. Multi-range requests get the whole
// representation (allowed by the RFC), never a multipart body.

export type RangeResult = { kind: 'full' } | { kind: 'partial'; start: number; end: number } | { kind: 'unsatisfiable' };

export function parseRange(header: string | null, size: number): RangeResult {
  if (!header) return { kind: 'full' };
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return header.includes(',') ? { kind: 'full' } : { kind: 'unsatisfiable' };
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (!Number.isSafeInteger(start) || start >= size || end < start) return { kind: 'unsatisfiable' };
  return { kind: 'partial', start, end };
}

/** Builds the response for a byte range of a body held in memory. */
export function rangeResponse(body: Uint8Array, rangeHeader: string | null, headers: Headers): Response {
  headers.set('accept-ranges', 'bytes');
  const r = parseRange(rangeHeader, body.length);
  if (r.kind === 'unsatisfiable') {
    headers.set('content-range', `bytes */${body.length}`);
    return new Response(null, { status: 416, headers });
  }
  if (r.kind === 'full') {
    headers.set('content-length', String(body.length));
    return new Response(new Uint8Array(body), { status: 200, headers });
  }
  headers.set('content-range', `bytes ${r.start}-${r.end}/${body.length}`);
  headers.set('content-length', String(r.end - r.start + 1));
  return new Response(new Uint8Array(body.subarray(r.start, r.end + 1)), { status: 206, headers });
}
