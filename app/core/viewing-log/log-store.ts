// The tamper-evident viewing log (DC-6, Q-3). Each entry is a leaf of an
// RFC 9162 Merkle tree; each row also carries a MAC chained over the previous
// row's MAC, keyed by the device, so an entry edited, inserted, removed or
// moved without the device key is found by verify(). Signed checkpoints, once
// exported off the device, additionally catch a database swapped for an
// older (but internally consistent) copy.
import type { Database, Statement } from 'better-sqlite3';
import { createHash, hash, timingSafeEqual } from 'node:crypto';
import { IntegrityError, KioskError } from '../errors';
import { canonicalJson } from './canonical-json';
import {
  type Checkpoint,
  type ParsedVerifierKey,
  type CheckpointSigner,
  CheckpointError,
  parseNote,
  parseVerifierKey,
  signCheckpoint,
  verifierKey as makeVerifierKey,
  verifyCheckpoint,
} from './checkpoint';
import { CompactRange, EMPTY_ROOT, consistencyProof, inclusionProof, leafHash, leafHashOfText, verifyConsistency } from './merkle';

/**
 * Schema for a migration. Entries are stored as the exact canonical JSON text
 * that was hashed, so verification needs no re-serialisation and the table is
 * readable with the sqlite3 tool during an audit. seq is the rowid and the
 * Merkle leaf index (0-based).
 */
export const VIEWING_LOG_SCHEMA_SQL = `
CREATE TABLE viewing_log (
  seq       INTEGER PRIMARY KEY NOT NULL CHECK (seq >= 0),
  entry     TEXT    NOT NULL,
  leaf_hash BLOB    NOT NULL,
  mac       BLOB    NOT NULL
);
CREATE TABLE viewing_log_checkpoint (
  size INTEGER PRIMARY KEY NOT NULL CHECK (size >= 0),
  note TEXT    NOT NULL
);
`;

export interface ViewingLogOptions {
  db: Database;
  signer: CheckpointSigner;
  /** Device-keyed MAC (e.g. hmacSha256(deviceKey)); its key never leaves the device. */
  mac(data: Buffer): Buffer;
  /** Checkpoint origin line, e.g. 'court-kiosk/DEVICE-ID'. */
  origin: string;
  clock?: () => Date;
  /** Store a signed checkpoint automatically every this many entries (default 100). */
  checkpointEvery?: number;
  /**
   * Entry types after which a checkpoint is signed in the same transaction
   * (a session closed, an import, an export, a purge): the events a court
   * may ask about are covered by a checkpoint the moment they are logged.
   */
  checkpointAfter?: (type: string) => boolean;
  /**
   * Key names this device signed checkpoints with before (the same key):
   * stored checkpoints signed under them still verify.
   */
  legacyKeyNames?: readonly string[];
}

export interface LogEntry {
  seq: number;
  time: string;
  type: string;
  data: Record<string, unknown>;
  /** Hex RFC 6962 leaf hash of the stored entry bytes. */
  leafHash: string;
}

export interface VerifyOptions {
  /** A checkpoint note exported earlier (e.g. to court IT); the log must still contain and extend it. */
  trustedCheckpoint?: string;
  /** Verifier key `<name>+<hex>+<base64>` for checkpoints; defaults to the log's own signer. */
  verifierKey?: string;
}

export interface VerifyResult {
  ok: boolean;
  /** Rows in the log table. */
  entries: number;
  /** First seq that cannot be trusted, or null when ok or when only the checkpoint table is at fault. */
  firstBad: number | null;
  problem?: string;
  /** Latest signed checkpoint (stored or trusted) that matched the recomputed tree; root in hex. */
  checkpoint: { size: number; root: string } | null;
}

/**
 * HMAC-SHA-256 (RFC 2104) as a MAC function for the log. Built on one-shot
 * crypto.hash over reused buffers because verify() runs it for every row and
 * createHmac per call costs more than the rest of the row's work together.
 */
export function hmacSha256(key: Buffer): (data: Buffer) => Buffer {
  const block = Buffer.alloc(64);
  (key.length > 64 ? createHash('sha256').update(key).digest() : key).copy(block);
  let inner = Buffer.alloc(64 + 128);
  const outer = Buffer.alloc(64 + 32);
  for (let i = 0; i < 64; i++) {
    inner[i] = (block[i] as number) ^ 0x36;
    outer[i] = (block[i] as number) ^ 0x5c;
  }
  block.fill(0);
  return (data) => {
    if (64 + data.length > inner.length) {
      const grown = Buffer.alloc(2 * (64 + data.length));
      inner.copy(grown, 0, 0, 64);
      inner.fill(0);
      inner = grown;
    }
    data.copy(inner, 64);
    const ih = hash('sha256', inner.subarray(0, 64 + data.length), 'buffer');
    ih.copy(outer, 64);
    return hash('sha256', outer, 'buffer');
  };
}

/** The bytes a row's MAC covers: seq (8 bytes, big-endian) ‖ previous row's MAC ‖ leaf hash. */
function macInput(seq: number, prevMac: Buffer, leaf: Buffer): Buffer {
  const b = Buffer.allocUnsafe(8 + prevMac.length + leaf.length);
  // Two 32-bit halves: no BigInt allocation per row (seq stays below 2^53).
  b.writeUInt32BE(Math.floor(seq / 0x1_0000_0000), 0);
  b.writeUInt32BE(seq >>> 0, 4);
  prevMac.copy(b, 8);
  leaf.copy(b, 8 + prevMac.length);
  return b;
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

const SEQ_MARK = ',"seq":';

/**
 * The seq written inside the canonical entry. Keys are sorted, so the
 * top-level "seq" follows "data"; a quote inside any string is escaped, so the
 * last `,"seq":` is the top-level one. Avoids a JSON.parse per row in verify().
 */
function embeddedSeq(entry: string): number | null {
  const at = entry.lastIndexOf(SEQ_MARK);
  if (at < 0) return null;
  let n = 0;
  const start = at + SEQ_MARK.length;
  let i = start;
  for (; i < entry.length && i - start <= 16; i++) {
    const c = entry.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    n = n * 10 + (c - 0x30);
  }
  const digits = i - start;
  if (digits === 0 || entry.charCodeAt(i) !== 0x2c || (digits > 1 && entry.charCodeAt(start) === 0x30)) return null;
  return n;
}

type Row = [seq: number, entry: string | Buffer, leafHash: Buffer, mac: Buffer];

export class ViewingLog {
  private readonly db: Database;
  private readonly signer: CheckpointSigner;
  private readonly mac: (data: Buffer) => Buffer;
  private readonly origin: string;
  private readonly clock: () => Date;
  private readonly checkpointEvery: number;
  private readonly checkpointAfter: (type: string) => boolean;
  private readonly ownKey: ParsedVerifierKey;
  private readonly legacyKeys: readonly ParsedVerifierKey[];
  private readonly checkpointListeners = new Set<(size: number) => void>();
  private readonly insertRow: Statement;
  private readonly insertCheckpoint: Statement;
  private readonly tailRow: Statement;
  private readonly countRows: Statement;
  // A cache of the tree over the committed table, so an append need not
  // re-read the log. It is only ever trusted after checking it against the
  // table's tail inside the writing transaction (syncHead): an enclosing
  // transaction that rolled back, or a commit that failed, leaves it ahead
  // of the table, and the next write (or root()) rebuilds it from the table.
  private range = new CompactRange();
  private lastMac: Buffer = Buffer.alloc(0);
  /** Wall time of the newest entry (ISO), to see the clock stepped back; cached with the head. */
  private lastTime: string | null = null;
  /** Entries this process knows are committed: the table may never hold fewer (entries removed). */
  private acknowledged = 0;

  constructor(opts: ViewingLogOptions) {
    this.db = opts.db;
    this.signer = opts.signer;
    this.mac = opts.mac;
    this.origin = opts.origin;
    this.clock = opts.clock ?? (() => new Date());
    this.checkpointEvery = opts.checkpointEvery ?? 100;
    this.checkpointAfter = opts.checkpointAfter ?? (() => false);
    if (!Number.isSafeInteger(this.checkpointEvery) || this.checkpointEvery < 1) {
      throw new KioskError('config', 'viewing log checkpointEvery must be a positive integer');
    }
    if (this.origin.length === 0 || this.origin.includes('\n')) {
      throw new KioskError('config', 'viewing log origin must be one non-empty line');
    }
    this.ownKey = parseVerifierKey(makeVerifierKey(this.signer.name, this.signer.publicKeyRaw));
    this.legacyKeys = (opts.legacyKeyNames ?? []).map((n) => parseVerifierKey(makeVerifierKey(n, this.signer.publicKeyRaw)));

    // An acknowledged viewing must survive a power cut: in WAL mode only
    // synchronous=FULL fsyncs the WAL at every commit (NORMAL may lose the
    // last transactions), and WAL keeps readers off the writer's path.
    const mode = this.db.pragma('journal_mode = WAL', { simple: true });
    this.db.pragma('synchronous = FULL');
    const sync = this.db.pragma('synchronous', { simple: true });
    if (mode !== 'wal' || sync !== 2) {
      throw new KioskError('environment', `viewing log needs an on-disk database in WAL mode with synchronous=FULL (got ${String(mode)}, ${String(sync)})`);
    }

    this.insertRow = this.db.prepare('INSERT INTO viewing_log (seq, entry, leaf_hash, mac) VALUES (?, ?, ?, ?)');
    this.insertCheckpoint = this.db.prepare('INSERT INTO viewing_log_checkpoint (size, note) VALUES (?, ?) ON CONFLICT (size) DO NOTHING');
    this.tailRow = this.db.prepare('SELECT seq, mac FROM viewing_log ORDER BY seq DESC LIMIT 1').raw();
    this.countRows = this.db.prepare('SELECT coalesce(max(seq) + 1, 0) FROM viewing_log').pluck();
    this.rebuild();
    this.acknowledged = this.range.size;
  }

  /** Reads the whole tree from the table (at open, and after the cache fell out of step). */
  private rebuild(): void {
    // Only leaf hashes are needed for the tree (reading the MACs too would double the work).
    const range = new CompactRange();
    for (const lh of this.db.prepare('SELECT leaf_hash FROM viewing_log ORDER BY seq').pluck().iterate()) range.append(lh as Buffer);
    const tail = this.tailRow.get() as [number, Buffer] | undefined;
    this.range = range;
    this.lastMac = tail ? tail[1] : Buffer.alloc(0);
    this.lastTime = tail ? this.timeOf(tail[0]) : null;
  }

  /**
   * Brings the cached head (next seq, previous MAC, tree) in step with the
   * table. Called inside the writing transaction, so what it reads is what
   * the write builds on: the head is never carried across transactions.
   * A table shorter than what this process saw committed is not resynced
   * over: committed entries were removed, and writing on would hide it.
   */
  private syncHead(): void {
    const tail = this.tailRow.get() as [number, Buffer] | undefined;
    const n = tail ? tail[0] + 1 : 0;
    if (n === this.range.size && (tail ? tail[1].equals(this.lastMac) : this.lastMac.length === 0)) return;
    if (n < this.acknowledged) {
      throw new IntegrityError(
        `viewing log holds ${n} entries but ${this.acknowledged} were committed (entries removed or database replaced); nothing more is written`,
        'viewing_log',
      );
    }
    this.rebuild();
  }

  /** Entries in the log (= Merkle tree size = next seq), as committed in the table. */
  get size(): number {
    return this.countRows.get() as number;
  }

  /** Hex root of the current tree. */
  root(): string {
    this.syncHead();
    return this.range.root().toString('hex');
  }

  /** The verifier key for this log's checkpoints, to hand to auditors. */
  verifierKey(): string {
    return makeVerifierKey(this.signer.name, this.signer.publicKeyRaw);
  }

  /**
   * Appends one entry and returns once it is on disk. Inside a caller's
   * transaction (an import's catalog rows, say) the entry is part of that
   * transaction: both commit, or neither does.
   */
  append(type: string, data: Record<string, unknown>): { seq: number; leafHash: string } {
    const [r] = this.write([{ type, data }]);
    if (r === undefined) throw new Error('append wrote nothing');
    return r;
  }

  /** The wall time written in entry `seq`, or null when it cannot be read (verify() reports such an entry). */
  private timeOf(seq: number): string | null {
    try {
      const row = this.db.prepare('SELECT entry FROM viewing_log WHERE seq = ?').pluck().get(seq);
      const time = (JSON.parse(String(row)) as { time?: unknown }).time;
      return typeof time === 'string' ? time : null;
    } catch {
      return null;
    }
  }

  private makeRow(seq: number, prevMac: Buffer, time: string, type: string, data: Record<string, unknown>): [number, string, Buffer, Buffer] {
    const entry = canonicalJson({ seq, time, type, data });
    const lh = leafHash(Buffer.from(entry, 'utf8'));
    return [seq, entry, lh, this.mac(macInput(seq, prevMac, lh))];
  }

  /**
   * @internal Bench/bulk-import helper: writes rows exactly as append() would,
   * but all in one transaction, so they are acknowledged together.
   */
  appendBatch(items: ReadonlyArray<{ type: string; data: Record<string, unknown> }>): Array<{ seq: number; leafHash: string }> {
    return this.write(items);
  }

  private write(items: ReadonlyArray<{ type: string; data: Record<string, unknown> }>): Array<{ seq: number; leafHash: string }> {
    // Validate before taking the write lock: bad input changes nothing.
    for (const { type, data } of items) {
      if (typeof type !== 'string' || type.length === 0) throw new KioskError('invalid-input', 'log entry type must be a non-empty string');
      if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new KioskError('invalid-input', 'log entry data must be an object');
    }
    let signed = 0;
    const run = (): Array<{ seq: number; leafHash: string }> => {
      this.syncHead();
      const range = this.range.clone();
      let lastMac = this.lastMac;
      let lastTime = this.lastTime;
      const out: Array<{ seq: number; leafHash: string }> = [];
      signed = 0;
      const put = (time: string, type: string, data: Record<string, unknown>): { seq: number; leafHash: string } => {
        const row = this.makeRow(range.size, lastMac, time, type, data);
        const [seq, , lh, mac] = row;
        this.insertRow.run(row);
        range.append(lh);
        lastMac = mac;
        lastTime = time;
        if (range.size % this.checkpointEvery === 0 || this.checkpointAfter(type)) {
          this.insertCheckpoint.run(range.size, signCheckpoint({ origin: this.origin, size: range.size, root: range.root() }, this.signer));
          signed = range.size;
        }
        return { seq, leafHash: lh.toString('hex') };
      };
      for (const { type, data } of items) {
        const time = this.clock().toISOString();
        // ISO UTC times of one length compare as strings. A wall clock set back
        // (by hand, by a bad time server) is said so in the log, with both
        // times, before the first entry that carries the earlier time.
        if (lastTime !== null && time < lastTime) put(time, 'clock.stepBack', { previous: lastTime, now: time });
        out.push(put(time, type, data));
      }
      // Ahead of the commit: if it (or an enclosing transaction) does not
      // happen, syncHead sees the table behind the cache and rebuilds.
      this.range = range;
      this.lastMac = lastMac;
      this.lastTime = lastTime;
      return out;
    };
    if (this.db.inTransaction) {
      const out = this.db.transaction(run)();
      // The caller's transaction commits when it returns (better-sqlite3 is
      // synchronous); listeners read the table, so they hear of it after that.
      if (signed > 0) this.announce(signed);
      return out;
    }
    // IMMEDIATE: the head is read under the write lock, so no other writer
    // can slip an entry between the read and the insert.
    const out = this.db.transaction(run).immediate();
    this.acknowledged = Math.max(this.acknowledged, this.range.size);
    if (signed > 0) this.announce(signed);
    return out;
  }

  /** Signs the current tree, stores the note and returns it. */
  checkpoint(): string {
    const note = this.db.transaction(() => {
      this.syncHead();
      const n = signCheckpoint({ origin: this.origin, size: this.range.size, root: this.range.root() }, this.signer);
      this.insertCheckpoint.run(this.range.size, n);
      return n;
    }).immediate();
    this.announce(this.range.size);
    return note;
  }

  /**
   * Calls `listener` with the tree size after each checkpoint this log
   * stores (on a later turn, once the writing transaction has committed):
   * the witness delivery hangs on it. Returns the unsubscribe function.
   */
  onDidCheckpoint(listener: (size: number) => void): () => void {
    this.checkpointListeners.add(listener);
    return () => this.checkpointListeners.delete(listener);
  }

  private announce(size: number): void {
    if (this.checkpointListeners.size === 0) return;
    setImmediate(() => {
      for (const l of this.checkpointListeners) l(size);
    });
  }

  latestCheckpoint(): string | null {
    const row = this.db.prepare('SELECT note FROM viewing_log_checkpoint ORDER BY size DESC LIMIT 1').pluck().get();
    return typeof row === 'string' ? row : null;
  }

  /**
   * Recomputes everything from the stored bytes: each leaf hash, the
   * embedded seq, seq continuity, the MAC chain, and the root at every stored
   * (and the trusted) checkpoint, whose signatures are checked too. Stops at
   * the first problem so firstBad is the earliest seq that cannot be trusted.
   */
  verify(opts: VerifyOptions = {}): VerifyResult {
    const entries = this.db.prepare('SELECT count(*) FROM viewing_log').pluck().get() as number;
    let best: { size: number; root: string } | null = null;
    const fail = (firstBad: number | null, problem: string): VerifyResult => ({ ok: false, entries, firstBad, problem, checkpoint: best });

    let key: ParsedVerifierKey;
    try {
      key = opts.verifierKey === undefined ? this.ownKey : parseVerifierKey(opts.verifierKey);
    } catch (e) {
      return fail(null, `verifier key: ${(e as Error).message}`);
    }

    // size -> expected root, from every signed checkpoint we hold.
    const targets = new Map<number, { root: Buffer; what: string }>();
    for (const row of this.db.prepare('SELECT size, note FROM viewing_log_checkpoint ORDER BY size').raw().iterate()) {
      const [size, note] = row as [number, string];
      try {
        const c = this.verifyOwn(note, key, opts.verifierKey === undefined);
        if (c.size !== size) throw new CheckpointError('checkpoint.size', `note says size ${c.size}`);
        targets.set(size, { root: c.root, what: `stored checkpoint at size ${size}` });
      } catch (e) {
        return fail(null, `stored checkpoint at size ${size}: ${(e as Error).message}`);
      }
    }
    if (opts.trustedCheckpoint !== undefined) {
      try {
        const c = this.verifyOwn(opts.trustedCheckpoint, key, opts.verifierKey === undefined);
        const stored = targets.get(c.size);
        if (stored !== undefined && !stored.root.equals(c.root)) {
          return fail(null, `trusted checkpoint at size ${c.size} disagrees with the stored checkpoint of that size`);
        }
        targets.set(c.size, { root: c.root, what: `trusted checkpoint at size ${c.size}` });
      } catch (e) {
        return fail(null, `trusted checkpoint: ${(e as Error).message}`);
      }
    }

    const range = new CompactRange();
    let prevMac: Buffer = Buffer.alloc(0);
    let lastGood = 0; // size of the last checkpoint that matched; entries before it are vouched for
    const atSize = (size: number): VerifyResult | null => {
      const t = targets.get(size);
      if (t === undefined) return null;
      const root = range.root();
      if (!root.equals(t.root)) return fail(lastGood, `root of the first ${size} entries differs from the ${t.what}`);
      lastGood = size;
      best = { size, root: root.toString('hex') };
      return null;
    };
    const zero = atSize(0);
    if (zero !== null) return zero;

    // Text and hex strings cross from SQLite to JS far cheaper than BLOBs
    // (each BLOB is a Buffer allocation); this roughly halves the row cost.
    const rows = this.db.prepare('SELECT seq, entry, hex(leaf_hash), hex(mac) FROM viewing_log ORDER BY seq').raw().iterate();
    const storedLeaf = Buffer.alloc(32);
    for (const raw of rows) {
      const [seq, entry, leafHex, macHex] = raw as [number, unknown, string, string];
      const expected = range.size;
      if (seq !== expected) return fail(expected, `entry ${expected} is missing (next stored seq is ${seq})`);
      // Anything but TEXT here was written by something other than append().
      if (typeof entry !== 'string') return fail(seq, `entry ${seq}: stored entry is not text`);
      const lh = leafHashOfText(entry);
      if (leafHex.length !== 64 || storedLeaf.write(leafHex, 'hex') !== 32 || !lh.equals(storedLeaf)) {
        return fail(seq, `entry ${seq}: stored leaf hash does not match the entry bytes`);
      }
      if (embeddedSeq(entry) !== seq) return fail(seq, `entry ${seq}: the entry names a different seq (moved)`);
      const mac = this.mac(macInput(seq, prevMac, lh));
      const storedMac = Buffer.from(macHex, 'hex');
      if (macHex.length !== 2 * mac.length || !sameBytes(mac, storedMac)) {
        return fail(seq, `entry ${seq}: MAC chain broken (edited, inserted or moved without the device key)`);
      }
      prevMac = storedMac;
      range.append(lh);
      const bad = atSize(range.size);
      if (bad !== null) return bad;
    }

    const n = range.size;
    const beyond = [...targets.entries()].filter(([size]) => size > n).sort(([a], [b]) => b - a)[0];
    if (beyond !== undefined) {
      return fail(n, `${beyond[1].what} covers ${beyond[0]} entries but the log holds only ${n} (entries removed or database replaced by an older copy)`);
    }
    if (this.acknowledged > n) {
      return fail(n, `this process committed ${this.acknowledged} entries but the log holds only ${n}`);
    }
    return { ok: true, entries, firstBad: null, checkpoint: best };
  }

  /** A checkpoint of this log, signed by `key` (or, when it is the log's own, under one of its former key names). */
  private verifyOwn(note: string, key: ParsedVerifierKey, own: boolean): Checkpoint {
    try {
      return verifyCheckpoint(note, key, this.origin);
    } catch (e) {
      if (!own || !(e instanceof CheckpointError) || e.rule !== 'checkpoint.signature.unknown-key') throw e;
      const legacy = this.legacyKeys.find((k) => parseNote(note).signatures.some((s) => s.name === k.name));
      if (legacy === undefined) throw e;
      return verifyCheckpoint(note, legacy, this.origin);
    }
  }

  /**
   * Does this log extend checkpoint `c` (a witness's)? Checked as a witness
   * checks the kiosk: an RFC 6962 consistency proof from c's tree to the
   * current one, built from the table and verified against both roots, in
   * one read transaction so a concurrent append cannot split the two.
   */
  extendsCheckpoint(c: Checkpoint): { readonly size: number; readonly ok: boolean } {
    return this.db.transaction(() => {
      const n = this.size;
      if (c.size > n) return { size: n, ok: false };
      const root = this.root();
      // Every tree extends the empty one, whose root is fixed.
      if (c.size === 0) return { size: n, ok: c.root.equals(EMPTY_ROOT) };
      const proof = consistencyProof(c.size, n, this.subtreeRoot);
      return { size: n, ok: verifyConsistency(c.size, n, c.root, Buffer.from(root, 'hex'), proof) };
    })();
  }

  /**
   * Entry `seq` with the newest stored checkpoint (one is signed when none
   * covers the entry yet) and the entry's inclusion proof in that tree: what
   * a receipt carries so that anyone can check, offline, that it is logged.
   */
  proveEntry(seq: number): { entry: LogEntry; checkpoint: string; inclusionProof: string[] } {
    let newest = this.latestCheckpointBody();
    if (newest === null || newest.checkpoint.size <= seq) {
      this.checkpoint();
      newest = this.latestCheckpointBody();
    }
    const [entry] = this.entries(seq, seq + 1);
    if (newest === null || entry === undefined) throw new KioskError('invalid-input', `seq ${seq} is not in the log`);
    return { entry, checkpoint: newest.note, inclusionProof: this.inclusionProof(seq, newest.checkpoint.size) };
  }

  /** The newest stored checkpoint's size and root (what a witness is sent), or null. */
  latestCheckpointBody(): { note: string; checkpoint: Checkpoint } | null {
    const note = this.latestCheckpoint();
    return note === null ? null : { note, checkpoint: this.verifyOwn(note, this.ownKey, true) };
  }

  private subtreeRoot = (lo: number, hi: number): Buffer => {
    const cr = new CompactRange();
    const it = this.db.prepare('SELECT leaf_hash FROM viewing_log WHERE seq >= ? AND seq < ? ORDER BY seq').pluck().iterate(lo, hi);
    for (const lh of it) cr.append(lh as Buffer);
    if (cr.size !== hi - lo) throw new IntegrityError(`viewing log is missing entries in [${lo}, ${hi})`, 'viewing_log');
    return cr.root();
  };

  private checkSize(n: number, what: string): void {
    if (!Number.isSafeInteger(n) || n < 0 || n > this.size) {
      throw new KioskError('invalid-input', `${what} ${n} is outside the log (size ${this.size})`);
    }
  }

  /** Hex audit path for entry `seq` in the tree of the first `treeSize` entries. O(treeSize) reads; no tree is kept. */
  inclusionProof(seq: number, treeSize: number): string[] {
    this.checkSize(treeSize, 'tree size');
    if (!Number.isSafeInteger(seq) || seq < 0 || seq >= treeSize) {
      throw new KioskError('invalid-input', `seq ${seq} is not in a tree of size ${treeSize}`);
    }
    return inclusionProof(seq, treeSize, this.subtreeRoot).map((b) => b.toString('hex'));
  }

  /** Hex consistency proof that the tree of `newSize` entries extends the one of `oldSize`. */
  consistencyProof(oldSize: number, newSize: number): string[] {
    this.checkSize(newSize, 'tree size');
    if (!Number.isSafeInteger(oldSize) || oldSize < 0 || oldSize > newSize) {
      throw new KioskError('invalid-input', `old size ${oldSize} must be between 0 and ${newSize}`);
    }
    return consistencyProof(oldSize, newSize, this.subtreeRoot).map((b) => b.toString('hex'));
  }

  /**
   * Entries with fromSeq <= seq < toSeq. Each row's leaf hash and MAC link are
   * checked before it is returned, so altered entries are reported, not shown.
   */
  entries(fromSeq: number, toSeq: number): LogEntry[] {
    this.checkSize(toSeq, 'toSeq');
    if (!Number.isSafeInteger(fromSeq) || fromSeq < 0 || fromSeq > toSeq) {
      throw new KioskError('invalid-input', `fromSeq ${fromSeq} must be between 0 and ${toSeq}`);
    }
    // Start one row early: its MAC is the link the first returned row's MAC covers.
    const start = fromSeq > 0 ? fromSeq - 1 : 0;
    const rows = this.db
      .prepare('SELECT seq, entry, leaf_hash, mac FROM viewing_log WHERE seq >= ? AND seq < ? ORDER BY seq')
      .raw()
      .all(start, toSeq) as Row[];
    let prevMac: Buffer = Buffer.alloc(0);
    const out: LogEntry[] = [];
    let expected = start;
    for (const [seq, entry, storedLeaf, storedMac] of rows) {
      if (seq !== expected) throw new IntegrityError(`viewing log entry ${expected} is missing`, `viewing_log#${expected}`);
      expected++;
      if (seq < fromSeq) {
        prevMac = storedMac;
        continue;
      }
      const bytes = typeof entry === 'string' ? Buffer.from(entry, 'utf8') : entry;
      const lh = leafHash(bytes);
      if (!lh.equals(storedLeaf) || !sameBytes(this.mac(macInput(seq, prevMac, lh)), storedMac)) {
        throw new IntegrityError(`viewing log entry ${seq} fails its integrity check`, `viewing_log#${seq}`);
      }
      prevMac = storedMac;
      const parsed = JSON.parse(bytes.toString('utf8')) as { seq: unknown; time: unknown; type: unknown; data: unknown };
      if (parsed.seq !== seq || typeof parsed.time !== 'string' || typeof parsed.type !== 'string' || typeof parsed.data !== 'object') {
        throw new IntegrityError(`viewing log entry ${seq} is malformed`, `viewing_log#${seq}`);
      }
      out.push({ seq, time: parsed.time, type: parsed.type, data: parsed.data as Record<string, unknown>, leafHash: lh.toString('hex') });
    }
    if (expected !== toSeq) throw new IntegrityError(`viewing log entry ${expected} is missing`, `viewing_log#${expected}`);
    return out;
  }
}
