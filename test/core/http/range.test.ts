// Byte ranges for the one request handler both shells use (Electron's
// protocol.handle and the web shell), exercised through real Request/Response.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRange } from '../../../app/core/http';
import { serveAsset } from '../../../app/core/http/static-assets';
import { scratch } from '../../helpers/paths';

describe('HTTP ranges', () => {
  it('parses single ranges, suffixes and open ends; refuses what cannot be satisfied', () => {
    expect(parseRange(null, 100)).toEqual({ kind: 'full' });
    expect(parseRange('bytes=0-9', 100)).toEqual({ kind: 'partial', start: 0, end: 9 });
    expect(parseRange('bytes=90-', 100)).toEqual({ kind: 'partial', start: 90, end: 99 });
    expect(parseRange('bytes=-10', 100)).toEqual({ kind: 'partial', start: 90, end: 99 });
    expect(parseRange('bytes=95-200', 100)).toEqual({ kind: 'partial', start: 95, end: 99 });
    for (const h of ['bytes=100-', 'bytes=50-40', 'bytes=-0', 'items=0-1', 'bytes=x-y']) expect(parseRange(h, 100), h).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=0-1,5-6', 100)).toEqual({ kind: 'full' });
  });

  it('[DC-1] the asset handler answers 206 with Content-Range, 416 for a bad range, and advertises Accept-Ranges', async () => {
    const dir = scratch();
    const body = Buffer.from('0123456789abcdef');
    fs.writeFileSync(path.join(dir, 'app.js'), body);
    const full = serveAsset(dir, '/app.js');
    expect(full.status).toBe(200);
    expect(full.headers.get('accept-ranges')).toBe('bytes');
    const part = serveAsset(dir, '/app.js', 'bytes=4-7');
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 4-7/16');
    expect(Buffer.from(await part.arrayBuffer()).toString()).toBe('4567');
    const bad = serveAsset(dir, '/app.js', 'bytes=99-');
    expect(bad.status).toBe(416);
    expect(bad.headers.get('content-range')).toBe('bytes */16');
  });
});
