import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIRECT_ALIGN, DIRECT_BLOCK_BYTES, DirectFileSink, SLOT_BYTES, acquireSlot, alignedSharedBuffer, isAligned, releaseSlot } from '../../../app/core/pipeline';

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'direct-sink-'));
});
afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Writes `pieces` through a sink, fsyncs, closes; returns whether it wrote with O_DIRECT. */
async function writeThrough(file: string, pieces: Uint8Array[], opts: { direct?: boolean } = {}): Promise<boolean> {
  const sink = await DirectFileSink.create(file, { mode: 0o600, ...opts });
  for (const p of pieces) {
    const { written } = await sink.write([p]);
    await written;
  }
  await sink.finish();
  await sink.fh.sync();
  await sink.fh.close();
  return sink.direct;
}

function sha(b: Uint8Array): string {
  return crypto.createHash('sha256').update(b).digest('hex');
}

describe('DirectFileSink: a written file is exactly the bytes given, with or without O_DIRECT', () => {
  const lengths = [0, 1, 4095, 4096, 4097, DIRECT_BLOCK_BYTES - 1, DIRECT_BLOCK_BYTES, DIRECT_BLOCK_BYTES + 44, 3 * DIRECT_BLOCK_BYTES + 12_345];

  for (const len of lengths) {
    it(`[Q-1] ${len} bytes in uneven pieces end up byte for byte, with the tail's padding cut off`, async () => {
      const data = crypto.randomBytes(len);
      const pieces: Uint8Array[] = [];
      // Pieces the size of sealed chunks and tags, as an import writes them, and a header first.
      for (let off = 0, i = 0; off < len; i++) {
        const n = Math.min(len - off, i === 0 ? 44 : i % 2 ? 262_144 : 16);
        pieces.push(data.subarray(off, off + n));
        off += n;
      }
      const file = path.join(tmp, 'out');
      const direct = await writeThrough(file, pieces);
      // ext4 (the data directory here) has O_DIRECT: the fast path is the one tested.
      expect(direct).toBe(true);
      const back = fs.readFileSync(file);
      expect(back.length).toBe(len);
      expect(sha(back)).toBe(sha(data));
    });
  }

  it('[Q-1] whole aligned slots (an export) are written from the slot itself; the file holds each in order', async () => {
    const slots = [acquireSlot(), acquireSlot(), acquireSlot()];
    for (const s of slots) expect(isAligned(s)).toBe(true);
    const expected: Buffer[] = [];
    for (const s of slots) {
      crypto.randomFillSync(s);
      expected.push(Buffer.from(s));
    }
    const tail = crypto.randomBytes(1000);
    const file = path.join(tmp, 'export.mp4');
    const sink = await DirectFileSink.create(file, { wipe: true });
    const writes: Promise<void>[] = [];
    for (const s of slots) writes.push((await sink.write([s])).written);
    writes.push((await sink.write([tail])).written);
    await Promise.all(writes);
    await sink.finish();
    await sink.fh.sync();
    await sink.fh.close();
    for (const s of slots) releaseSlot(s);
    const back = fs.readFileSync(file);
    expect(back.length).toBe(3 * SLOT_BYTES + 1000);
    expect(sha(back)).toBe(sha(Buffer.concat([...expected, tail])));
  });

  it('[Q-1] on tmpfs (O_DIRECT since Linux 6.6, the page cache before) the file is the same bytes', async () => {
    if (!fs.existsSync('/dev/shm')) return;
    const dir = fs.mkdtempSync('/dev/shm/direct-sink-');
    try {
      const data = crypto.randomBytes(DIRECT_BLOCK_BYTES + 5000);
      const file = path.join(dir, 'out');
      await writeThrough(file, [data.subarray(0, 100), data.subarray(100)]);
      expect(sha(fs.readFileSync(file))).toBe(sha(data));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('[Q-1] direct: false writes through the page cache, byte for byte', async () => {
    const data = crypto.randomBytes(2 * DIRECT_BLOCK_BYTES + 3);
    const file = path.join(tmp, 'out');
    expect(await writeThrough(file, [data], { direct: false })).toBe(false);
    expect(sha(fs.readFileSync(file))).toBe(sha(data));
  });

  it('[Q-2] an existing file is refused (exclusive create), and left as it was', async () => {
    const file = path.join(tmp, 'there');
    fs.writeFileSync(file, 'keep');
    await expect(DirectFileSink.create(file)).rejects.toMatchObject({ code: 'EEXIST' });
    expect(fs.readFileSync(file, 'utf8')).toBe('keep');
  });

  it('[Q-1] a failed write fails the file closed: finish() throws, and so does the next write', async () => {
    const file = path.join(tmp, 'out');
    const sink = await DirectFileSink.create(file);
    // The descriptor closed under the sink: the next block write fails with EBADF.
    await sink.fh.close();
    await sink.write([crypto.randomBytes(DIRECT_BLOCK_BYTES)]);
    await expect(sink.finish()).rejects.toMatchObject({ code: expect.stringMatching(/EBADF|ERR_/) });
    await expect(sink.write([Buffer.alloc(1)])).rejects.toBeTruthy();
    await sink.settle();
  });
});

describe('DirectFileSink.writeAligned: sealed bytes written from the buffer the cipher worker sealed them into', () => {
  it('[Q-1] [PL-5.1] a lead that follows the file gets its partial block in front and is written as it lies; any other is copied; the file is byte for byte', async () => {
    const file = path.join(tmp, 'object');
    const sink = await DirectFileSink.create(file, { mode: 0o600, wipe: false });
    const given: Buffer[] = [];
    let pos = 0;
    const plain = async (n: number): Promise<void> => {
      const b = crypto.randomBytes(n);
      await (await sink.write([b])).written;
      given.push(b);
      pos += n;
    };
    const sealed = async (n: number, leadOff = 0): Promise<void> => {
      const buf = alignedSharedBuffer(DIRECT_ALIGN + n);
      const lead = (pos + leadOff) % DIRECT_ALIGN;
      const b = crypto.randomBytes(n);
      b.copy(buf, lead);
      const { written } = await sink.writeAligned(buf, lead, n);
      // Only the uncopied path puts the file's partial block in the buffer's lead.
      const partial = Buffer.concat(given).subarray(pos - lead, pos);
      if (leadOff === 0) expect(sha(buf.subarray(0, lead))).toBe(sha(partial));
      else expect(buf.subarray(0, lead).every((x) => x === 0)).toBe(true);
      given.push(b);
      pos += n;
      await written;
    };
    await plain(44); // the object's header
    await sealed(SLOT_BYTES + 17 * 16); // a slot's chunks and tags
    await sealed(262_160 + 16); // the last chunk
    await sealed(100); // less than a block: all of it carried on
    await plain(DIRECT_BLOCK_BYTES + 5000); // copied pieces between: more than a block waits in the sink
    await sealed(2 * DIRECT_BLOCK_BYTES + 7);
    await sealed(3 * DIRECT_ALIGN + 9, 1); // a lead that does not follow the file: copied
    await sealed(DIRECT_ALIGN - (pos % DIRECT_ALIGN)); // ends on the alignment: nothing carried
    await sealed(3 * DIRECT_ALIGN); // from a lead of 0
    await sealed(5);
    await sink.finish();
    await sink.fh.sync();
    await sink.fh.close();
    expect(sink.direct).toBe(true);
    const back = fs.readFileSync(file);
    expect(back.length).toBe(pos);
    expect(sha(back)).toBe(sha(Buffer.concat(given)));
  });
});
