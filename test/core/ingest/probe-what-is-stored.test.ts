// Acceptance (hardening issue, line 2): the playback index and the PL-4.x
// flags in the catalog describe the bytes that were hashed and stored, never a
// second read of the carrier. Before, validation probed and indexed the
// carrier file and a later read copied and hashed it: a file swapped in
// between left a 24 fps index on a stored 15 fps recording, and verify called
// it intact. Now import derives both from the stored object and verify derives
// them again and compares.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../app/core/config';
import { sealRecording } from '../../../app/core/catalog';
import { importPlainFolder, ingestContextFor, ingestPackage, validatePackage, type IngestContext } from '../../../app/core/ingest';
import { verifyStore } from '../../../app/core/integrity';
import { openKiosk, type Kiosk } from '../../../app/core/kiosk';
import { bag, recordingsJson } from '../../../scripts/make-bad-corpus';
import { makeMedia } from '../media/media-fixtures';
import { KIOSKCTL, REPO, scratch } from '../../helpers/paths';

const CONFIG = path.join(REPO, 'kiosk-config', 'court-kiosk-pl.json');

let work: string;
/** 1280x720 at 24 fps (conforming) and at 15 fps (PL-4.2), padded with a top-level free box to one size. */
let fast: Buffer;
let slow: Buffer;

function padTo(b: Buffer, size: number): Buffer {
  const free = Buffer.alloc(size - b.length);
  free.writeUInt32BE(free.length, 0);
  free.write('free', 4, 'latin1');
  return Buffer.concat([b, free]);
}

beforeAll(() => {
  work = scratch('probe-stored-');
  const a = fs.readFileSync(makeMedia(work, 'fast.mp4', ['--seconds', '2', '--fps', '24']));
  const b = fs.readFileSync(makeMedia(work, 'slow.mp4', ['--seconds', '2', '--fps', '15']));
  const size = Math.max(a.length, b.length) + 64;
  fast = padTo(a, size);
  slow = padTo(b, size);
}, 120_000);

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

async function freshKiosk(): Promise<{ kiosk: Kiosk; ctx: IngestContext; dataDir: string }> {
  const dataDir = scratch('probe-stored-data-');
  const kiosk = await openKiosk({ dataDir, config: loadConfig(CONFIG), configFile: CONFIG });
  return { kiosk, ctx: ingestContextFor(kiosk), dataDir };
}

/** A crp/1 package whose manifest vouches for `slow` (the 15 fps recording). */
async function packageOfSlow(name: string): Promise<string> {
  const dir = path.join(work, name);
  await bag(dir, [['data/rec.mp4', slow]], recordingsJson({ rec: { identifier: 'KM90026-TOCTOU', duration: '00:02' } }));
  return dir;
}

function partMedia(kiosk: Kiosk): { info: { video: { fps: number } }; hls: { tracks: unknown[] } } {
  const row = kiosk.db.prepare('SELECT media_json FROM parts').get() as { media_json: string };
  return JSON.parse(row.media_json) as { info: { video: { fps: number } }; hls: { tracks: unknown[] } };
}

describe('[DC-4] [Q-3] the index and flags describe the stored bytes', () => {
  it('[PL-4.2] a carrier file that reads as 24 fps when validated and as the manifest\'s 15 fps when copied is stored with the 15 fps index and flagged', async () => {
    const dir = await packageOfSlow('swap-before-copy');
    const { kiosk, ctx } = await freshKiosk();
    try {
      // Validation (and its probe) reads the 24 fps file; the same size passes the
      // Payload-Oxum, and import hashes only what it copies.
      fs.writeFileSync(path.join(dir, 'data', 'rec.mp4'), fast);
      const check = await validatePackage(dir, { hashPayload: false });
      expect(check.problems).toEqual([]);
      expect(check.parts[0]!.media!.video!.fps).toBe(24);
      // Swapped back before the copy: the bytes stored are the manifest's.
      fs.writeFileSync(path.join(dir, 'data', 'rec.mp4'), slow);
      const r = await ingestPackage(ctx, check, 'carrier', dir);
      expect(r.problems).toEqual([]);
      expect(r.imported).toEqual([expect.objectContaining({ identifier: 'KM90026-TOCTOU', flags: ['PL-4.2'] })]);
      const media = partMedia(kiosk);
      expect(media.info.video.fps).toBe(15);
      expect(media.hls.tracks.length).toBeGreaterThan(0);
      const v = await verifyStore(kiosk);
      expect(v.recordings).toEqual([expect.objectContaining({ identifier: 'KM90026-TOCTOU', status: 'verified' })]);
      expect(v.ok).toBe(true);
    } finally {
      kiosk.close();
    }
  });

  it('[Q-1] a carrier file swapped when the store creates its staging file fails the import, and nothing is stored', async () => {
    const dir = await packageOfSlow('swap-at-staging');
    const { kiosk, ctx } = await freshKiosk();
    try {
      const check = await validatePackage(dir, { hashPayload: false });
      expect(check.problems).toEqual([]);
      // Overwritten in place: the copy has the carrier file open already, and reads the new bytes.
      const store = storeWithHook(ctx, () => fs.writeFileSync(path.join(dir, 'data', 'rec.mp4'), fast));
      const r = await ingestPackage({ ...ctx, store }, check, 'carrier', dir);
      expect(r.imported).toEqual([]);
      expect(r.problems).toEqual([expect.objectContaining({ file: 'data/rec.mp4', rule: 'bagit.manifest.hash' })]);
      expect(kiosk.db.prepare('SELECT count(*) AS n FROM recordings').get()).toEqual({ n: 0 });
      expect(fs.readdirSync(path.join(kiosk.layout.staging))).toEqual([]);
    } finally {
      kiosk.close();
    }
  });
});

/** The store, with `hook` run when an ingest starts: after the carrier file is opened, when the staging file is created. */
function storeWithHook(ctx: IngestContext, hook: () => void): IngestContext['store'] {
  return new Proxy(ctx.store, {
    get(target, prop, receiver) {
      if (prop !== 'ingest') {
        // Bound to the store itself: its methods use private fields, which a proxy does not have.
        const v = Reflect.get(target, prop, receiver) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      }
      return (src: AsyncIterable<Uint8Array>, opts: object) => {
        hook();
        return target.ingest(src, opts);
      };
    },
  });
}

describe('[DC-4] a plain folder too', () => {
  it('[PL-4.2] [PL-4.1] a SHA256SUMS folder whose file reads as 24 fps when probed and as the listed 15 fps when copied is stored with the 15 fps index and flagged', async () => {
    const dir = path.join(work, 'plain-swap');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'a.mp4'), fast);
    fs.writeFileSync(path.join(dir, 'SHA256SUMS'), `${crypto.createHash('sha256').update(slow).digest('hex')}  a.mp4\n`);
    const { kiosk, ctx } = await freshKiosk();
    try {
      const store = storeWithHook(ctx, () => fs.writeFileSync(path.join(dir, 'a.mp4'), slow));
      const r = await importPlainFolder({ ...ctx, store }, dir);
      expect(r.problems).toEqual([]);
      expect(r.imported).toEqual([expect.objectContaining({ status: 'incomplete', flags: ['PL-4.2'] })]);
      expect(partMedia(kiosk).info.video.fps).toBe(15);
      expect((await verifyStore(kiosk)).ok).toBe(true);
    } finally {
      kiosk.close();
    }
  });
});

describe('[Q-3] kioskctl verify derives the index again from the stored object', () => {
  let dataDir: string;
  beforeAll(async () => {
    const dir = await packageOfSlow('verify-derives');
    const k = await freshKiosk();
    dataDir = k.dataDir;
    try {
      const r = await ingestPackage(k.ctx, await validatePackage(dir, { hashPayload: false }), 'carrier', dir);
      expect(r.problems).toEqual([]);
    } finally {
      k.kiosk.close();
    }
  }, 60_000);

  const verifyCli = () => {
    const r = spawnSync(KIOSKCTL, ['verify', '--json'], { encoding: 'utf8', env: { ...process.env, KIOSK_DATA_DIR: dataDir } });
    return { code: r.status, out: r.stdout + r.stderr };
  };

  it('an index and flags that describe other bytes, sealed as if imported so, are named by verify', async () => {
    expect(verifyCli().code).toBe(0);
    const kiosk = await openKiosk({ dataDir, config: loadConfig(CONFIG), configFile: CONFIG });
    let saved: { media: string; flags: string };
    try {
      // What the old import stored after a swap: the 24 fps reading, no PL-4.2, under a valid row MAC.
      const row = kiosk.db.prepare('SELECT p.recording_id AS id, p.media_json AS media, r.flags_json AS flags FROM parts p JOIN recordings r ON r.id = p.recording_id').get() as { id: number; media: string; flags: string };
      saved = row;
      const media = JSON.parse(row.media) as { info: { video: { fps: number } } };
      media.info.video.fps = 24;
      kiosk.db.prepare('UPDATE parts SET media_json = ? WHERE recording_id = ?').run(JSON.stringify(media), row.id);
      kiosk.db.prepare("UPDATE recordings SET flags_json = '[]' WHERE id = ?").run(row.id);
      sealRecording(kiosk.db, row.id, kiosk.rowMac);
      const v = await verifyStore(kiosk);
      expect(v.catalog.ok).toBe(true);
      expect(v.ok).toBe(false);
      expect(v.recordings[0]).toMatchObject({ identifier: 'KM90026-TOCTOU', status: 'damaged' });
      expect(v.recordings[0]!.problem).toMatch(/KM90026-TOCTOU v0: data\/rec\.mp4: .*verify\.media-index/);
      // Only the flags wrong: named too.
      kiosk.db.prepare('UPDATE parts SET media_json = ? WHERE recording_id = ?').run(row.media, row.id);
      sealRecording(kiosk.db, row.id, kiosk.rowMac);
      const f = await verifyStore(kiosk);
      expect(f.recordings[0]!.problem).toMatch(/KM90026-TOCTOU v0: .*\[PL-4\.2\] derived from the stored bytes.*verify\.media-flags/);
    } finally {
      kiosk.close();
    }
    const cli = verifyCli();
    expect(cli.code).toBe(1);
    expect(cli.out).toContain('KM90026-TOCTOU');
    expect(cli.out).toContain('verify.media-flags');
    // Put back as imported, for the next case.
    const k2 = await openKiosk({ dataDir, config: loadConfig(CONFIG), configFile: CONFIG });
    try {
      const id = (k2.db.prepare('SELECT id FROM recordings').get() as { id: number }).id;
      k2.db.prepare('UPDATE recordings SET flags_json = ? WHERE id = ?').run(saved.flags, id);
      sealRecording(k2.db, id, k2.rowMac);
    } finally {
      k2.close();
    }
    expect(verifyCli().code).toBe(0);
  });

  it('a stored index altered with the sqlite3 tool (no key to re-seal) is reported by verify, naming the recording', () => {
    const r = spawnSync('sqlite3', [path.join(dataDir, 'catalog.sqlite'), `UPDATE parts SET media_json = replace(media_json, '"fps":15', '"fps":30')`], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const cli = verifyCli();
    expect(cli.code).toBe(1);
    expect(cli.out).toContain('KM90026-TOCTOU');
    expect(cli.out).toMatch(/keyed hash mismatch|verify\.media-index/);
  });
});
