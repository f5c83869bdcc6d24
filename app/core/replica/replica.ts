// The second copy on separate storage (PL-5.1). The owner of the data
// directory writes every object, the catalog (with the viewing log and its
// checkpoints) and the wrapped signing key here too, in the same encrypted
// form. With `required`, an import does not report success (and commits
// nothing) until its objects and its catalog are on the replica; otherwise
// the service catches up in the background and the backlog is shown. A
// replica that is unmounted, full or read-only never stops viewing: it is an
// alarm on the administrator screen until it catches up.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { CatalogDb } from '../catalog';
import type { DataLayout } from '../data-dir';
import { KioskError } from '../errors';
import { environmentRule } from '../errors/environment';
import { problem } from '../../shared/problem';
import { KEY_ID_FILE, SIGNING_KEY_FILE, type DeviceKey } from '../keys';
import { ContentStore } from '../store';
import { copyDurable, removeDurable, writeDurableSync } from './durable-copy';
import { fsyncDir } from '../fsync-dir';
import { CHECKPOINT_FILE, isMountPoint, readMarker, replicaLayout, SEEN, type ReplicaLayout, type ReplicaMarker } from './layout';
import type { ReplicaStatus } from '../../shared/admin-contract';

export interface ReplicaOptions {
  readonly root: string;
  readonly required: boolean;
  readonly primary: DataLayout;
  readonly keyId: string;
  readonly deviceId: string;
  readonly deviceKey: DeviceKey;
  /** A read-only kiosk (verify) reads the replica and never seeds or writes it. */
  readonly readonly: boolean;
}

/** Why the replica cannot be used right now: not there, not mounted, another device's. */
class Unreachable extends Error {}

const OBJECT_FILE = /^[0-9a-f]{64}-[0-9a-f]{8}$/;
const CATALOG_EVERY_MS = 10_000;
// A fresh ext2/3/4 file system comes with this; it does not make the disk "not empty".
const FRESH_FS_ENTRIES = new Set(['lost+found']);

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class Replica {
  readonly root: string;
  readonly required: boolean;
  readonly #o: ReplicaOptions;
  readonly #l: ReplicaLayout;
  #present: Set<string> | null = null;
  #snapshotAt = -1;
  #problem: string | null = null;
  #unreachable = false;
  #lastSyncAt: string | null = null;
  #running: Promise<void> | null = null;
  #frozen: string | null = null;
  // Snapshots are numbered: an older one still being written in the background never replaces a newer one.
  #gen = 0;
  #writtenGen = 0;
  #lastSnapshotMs = 0;
  #guard: (() => string | null) | null = null;

  constructor(o: ReplicaOptions) {
    this.#o = o;
    this.#l = replicaLayout(o.root);
    this.root = this.#l.root;
    this.required = o.required;
  }

  get layout(): ReplicaLayout {
    return this.#l;
  }

  /**
   * Checks the replica is the one this kiosk seeded, or seeds an empty one.
   * An empty directory where a replica was seeded before is not reseeded
   * unless it is a mount point of its own (a new disk): otherwise it is the
   * mount point of an unmounted disk, and writing there would fill the
   * system disk with what belongs on the other.
   */
  #attach(): ReplicaLayout {
    const l = this.#l;
    if (this.#frozen !== null) throw new Unreachable(`kept as it is for court IT after an integrity alarm: ${this.#frozen} (rule replica.frozen)`);
    const st = fs.statSync(l.root, { throwIfNoEntry: false });
    if (!st?.isDirectory()) throw new Unreachable(`the replica directory ${l.root} is not there (not mounted?) (rule replica.missing)`);
    let marker: ReplicaMarker | null;
    try {
      marker = readMarker(l.marker);
    } catch (e) {
      throw new Unreachable(message(e));
    }
    if (marker) {
      if (marker.keyId !== this.#o.keyId) {
        throw new Unreachable(`${l.root} is the replica of another device key (${marker.keyId}), not this kiosk's (${this.#o.keyId}) (rule replica.foreign)`);
      }
      // A seeding cut short after its marker: the folders come now.
      if (!this.#o.readonly) for (const d of [l.objects, l.staging, l.keys]) fs.mkdirSync(d, { recursive: true, mode: 0o700 });
      return l;
    }
    const seen = fs.existsSync(path.join(this.#o.primary.root, SEEN));
    if (seen && !isMountPoint(l.root)) {
      throw new Unreachable(`${l.root} holds no replica marker, though this kiosk seeded a replica there: the disk is not mounted? (rule replica.marker.missing)`);
    }
    // Our own scratch of a seeding cut short before its marker was renamed into place does not count either.
    const entries = fs.readdirSync(l.root).filter((n) => !FRESH_FS_ENTRIES.has(n) && !n.endsWith('.write.part'));
    if (entries.length) throw new Unreachable(`${l.root} is not empty and holds no replica marker: refused (rule replica.not-empty)`);
    if (this.#o.readonly) throw new Unreachable(`${l.root}: no replica seeded yet (rule replica.unseeded)`);
    // The marker first: a seeding cut short leaves a replica that knows it is one (and gets its folders at the next attach),
    // never a directory that is neither empty nor marked.
    const m: ReplicaMarker = { format: 1, keyId: this.#o.keyId, device: this.#o.deviceId, createdAt: new Date().toISOString() };
    writeDurableSync(l.marker, Buffer.from(`${JSON.stringify(m, null, 2)}\n`), l.root, 0o644);
    for (const d of [l.objects, l.staging, l.keys]) fs.mkdirSync(d, { recursive: true, mode: 0o700 });
    // Its scratch in the data directory's root, not staging/: staging is an import's, and an import may be starting.
    writeDurableSync(path.join(this.#o.primary.root, SEEN), Buffer.from(`${JSON.stringify({ path: l.root, keyId: m.keyId, seededAt: m.createdAt })}\n`), this.#o.primary.root);
    this.#present = new Set();
    return l;
  }

  /** Usable now? (for verify: a replica it cannot read is reported, not fatal). */
  reachable(): { ok: true } | { ok: false; problem: string } {
    try {
      this.#attach();
      return { ok: true };
    } catch (e) {
      return { ok: false, problem: message(e) };
    }
  }

  objectPath(objectId: string): string {
    return path.join(this.#l.objects, objectId.slice(0, 2), objectId);
  }

  /** The replica's objects, read like the primary's (same format, same device key); never creates anything. */
  reader(): ContentStore {
    return new ContentStore({ objectsDir: this.#l.objects, stagingDir: this.#l.staging, deviceKey: this.#o.deviceKey, create: false });
  }

  #listPresent(): Set<string> {
    const out = new Set<string>();
    if (!fs.existsSync(this.#l.objects)) return out;
    for (const p of fs.readdirSync(this.#l.objects, { withFileTypes: true })) {
      if (!p.isDirectory()) continue;
      for (const f of fs.readdirSync(path.join(this.#l.objects, p.name))) if (OBJECT_FILE.test(f)) out.add(f);
    }
    return out;
  }

  async #copyObject(objectId: string): Promise<void> {
    await copyDurable(path.join(this.#o.primary.objects, objectId.slice(0, 2), objectId), this.objectPath(objectId), this.#l.staging);
    (this.#present ??= this.#listPresent()).add(objectId);
  }

  /**
   * Called before every catalog snapshot: a problem (the log no longer
   * extends the checkpoint the replica holds) freezes the replica instead,
   * so a cut or rolled-back log never overwrites the copy that shows it.
   */
  setGuard(guard: () => string | null): void {
    this.#guard = guard;
  }

  /** No more writes, for the life of this process: the replica is evidence now. */
  freeze(reason: string): void {
    this.#frozen ??= reason;
    this.#fail(new Unreachable(`kept as it is for court IT after an integrity alarm: ${this.#frozen} (rule replica.frozen)`));
  }

  /** The newest checkpoint the replica holds (`checkpoint.note`), or null. */
  readCheckpoint(): string | null {
    try {
      return fs.readFileSync(path.join(this.#l.root, CHECKPOINT_FILE), 'utf8');
    } catch {
      return null;
    }
  }

  /** Keeps `note` as the replica's checkpoint (the caller checked it extends the one held). */
  writeCheckpoint(note: string): void {
    const l = this.#attach();
    writeDurableSync(path.join(l.root, CHECKPOINT_FILE), Buffer.from(note, 'utf8'), l.staging, 0o644);
  }

  /** The catalog as this connection sees it now (inside a transaction: with its uncommitted rows), numbered; refused by the guard. */
  #serialize(db: CatalogDb): { bytes: Buffer; gen: number; changes: number } {
    const alarm = this.#guard?.() ?? null;
    if (alarm !== null) {
      this.freeze(alarm);
      throw new Unreachable(`kept as it is for court IT after an integrity alarm: ${alarm} (rule replica.frozen)`);
    }
    return { bytes: db.serialize(), gen: ++this.#gen, changes: changesOf(db) };
  }

  #written(s: { gen: number; changes: number }): void {
    this.#writtenGen = s.gen;
    this.#snapshotAt = s.changes;
    this.#lastSnapshotMs = Date.now();
    this.#copyKeys();
  }

  /** The catalog to the replica, synchronously: for a transaction that must not commit without it (required). */
  #snapshot(db: CatalogDb): void {
    const s = this.#serialize(db);
    writeDurableSync(this.#l.catalog, s.bytes, this.#l.staging);
    this.#written(s);
  }

  /**
   * The same in the background (the catch-up): only serialize() holds the
   * event loop; the write and fsync of a large catalog do not stall playback.
   */
  async #snapshotAsync(db: CatalogDb): Promise<void> {
    const s = this.#serialize(db);
    const part = path.join(this.#l.staging, `catalog-${s.gen}-${process.pid}.part`);
    try {
      const fh = await fsp.open(part, 'wx', 0o600);
      try {
        await fh.writeFile(s.bytes);
        await fh.sync();
      } finally {
        await fh.close();
      }
      // A newer snapshot landed meanwhile (an import's, inside its transaction): this one is stale. Checked and renamed with no await between.
      if (this.#writtenGen > s.gen) return;
      fs.renameSync(part, this.#l.catalog);
      this.#written(s);
    } finally {
      await fsp.rm(part, { force: true });
    }
    await fsyncDir(this.#l.root);
  }

  #copyKeys(): void {
    // Only the wrapped signing key and the key's id: whatever else keys/ may hold (a device key of before) never goes.
    for (const name of [SIGNING_KEY_FILE, KEY_ID_FILE]) {
      const src = path.join(this.#o.primary.keys, name);
      if (!fs.existsSync(src)) continue;
      const bytes = fs.readFileSync(src);
      const dest = path.join(this.#l.keys, name);
      const have = fs.existsSync(dest) ? fs.readFileSync(dest) : null;
      if (!have?.equals(bytes)) writeDurableSync(dest, bytes, this.#l.staging);
    }
  }

  #fail(e: unknown): void {
    // A full or read-only disk is named by its rule first (env.no-space, env.read-only…), then the system's words.
    const rule = environmentRule(e);
    this.#problem = rule ? `${this.root}: ${rule}: ${message(e)}` : message(e);
    this.#unreachable = e instanceof Unreachable;
    // What is there is known still after a failed write; after losing the disk it must be listed again.
    if (this.#unreachable) this.#present = null;
  }

  #ok(): void {
    this.#problem = null;
    this.#unreachable = false;
    this.#lastSyncAt = new Date().toISOString();
  }

  #refusal(what: string, e: unknown, outcome = 'nothing was stored'): KioskError {
    this.#fail(e);
    const why = `the replica at ${this.root} could not take ${what}: ${message(e)}; ${outcome}`;
    return new KioskError('environment', `${why} (rule replica.write)`, [problem(this.root, 'replica.write', why)]);
  }

  /** After an object is renamed into the primary store: with `required`, copied now, or the import fails (the caller removes the primary copy). */
  async afterStore(objectId: string): Promise<void> {
    if (!this.required) return;
    try {
      this.#attach();
      await this.#copyObject(objectId);
    } catch (e) {
      throw this.#refusal(`object ${objectId}`, e);
    }
  }

  /** Inside an import's transaction, last: with `required`, the catalog with the new rows goes to the replica, or the transaction rolls back. */
  inCommit(db: CatalogDb): void {
    if (!this.required) return;
    try {
      this.#attach();
      this.#snapshot(db);
    } catch (e) {
      throw this.#refusal('the catalog', e);
    }
  }

  /** With `required`: throws unless the replica can be written now (an export asks before its first byte). */
  requireReachable(what: string): void {
    if (!this.required) return;
    try {
      this.#attach();
    } catch (e) {
      throw this.#refusal(what, e, 'nothing was written');
    }
  }

  /** With `required`: the catalog as it is now (an export's log entry in it) goes to the replica, or this throws and the export is abandoned. */
  requireCatalog(db: CatalogDb, what: string): void {
    if (!this.required) return;
    try {
      this.#attach();
      this.#snapshot(db);
    } catch (e) {
      throw this.#refusal(what, e, 'the export was abandoned');
    }
  }

  /** After the primary's object was shredded: the replica's copy goes too (its key is gone from both catalogs already). */
  async afterShred(objectId: string): Promise<void> {
    try {
      if (await removeDurable(this.objectPath(objectId))) this.#present?.delete(objectId);
    } catch {
      // The next catch-up removes it (it removes every replica object the catalog marks shredded).
    }
  }

  /** Brings the replica up to the primary: missing objects, shredded ones removed, the catalog if it changed. One at a time. */
  catchUp(db: CatalogDb, opts: { now?: boolean } = {}): Promise<void> {
    this.#running ??= this.#catchUp(db, opts.now ?? false).finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  async #catchUp(db: CatalogDb, now: boolean): Promise<void> {
    try {
      this.#attach();
      const present = (this.#present ??= this.#listPresent());
      for (const id of liveObjects(db)) if (!present.has(id)) await this.#copyObject(id);
      for (const id of db.prepare('SELECT id FROM objects WHERE wrapped_key IS NULL').pluck().all() as string[]) {
        if (present.has(id) && (await removeDurable(this.objectPath(id)))) present.delete(id);
      }
      // The catalog at most every CATALOG_EVERY_MS while it keeps changing (a session writes often; a large catalog costs a
      // moment of serialize() each time), at once when asked (a command ends) or when the replica has none.
      const due = now || Date.now() - this.#lastSnapshotMs >= CATALOG_EVERY_MS || !fs.existsSync(this.#l.catalog);
      if (changesOf(db) !== this.#snapshotAt && due) await this.#snapshotAsync(db);
      this.#ok();
    } catch (e) {
      this.#fail(e);
    }
  }

  /**
   * At the owner's start (nothing is importing): what an interrupted import
   * left on the replica goes, namely copies of objects the catalog does not
   * hold live (the primary's own orphans are quarantined for court IT; these
   * are only their copies) and staging scratch. An unreachable replica is
   * left for the catch-up to report.
   */
  async sweep(db: CatalogDb): Promise<number> {
    try {
      this.#attach();
    } catch {
      return 0;
    }
    const live = new Set(liveObjects(db));
    let removed = 0;
    for (const id of this.#listPresent()) if (!live.has(id) && (await removeDurable(this.objectPath(id)))) removed++;
    for (const f of fs.readdirSync(this.#l.staging)) fs.rmSync(path.join(this.#l.staging, f), { force: true, recursive: true });
    this.#present = null;
    // A crash after the replica took an import's catalog but before the primary committed it leaves the replica's
    // catalog naming what was just removed: it is replaced by the primary's now, not at the next catch-up.
    if (removed > 0) {
      try {
        this.#snapshot(db);
      } catch (e) {
        this.#fail(e);
      }
    }
    return removed;
  }

  /** At a clean stop: the catalog's last changes to the replica (cheap; objects wait for the next start). Never throws. */
  flushCatalog(db: CatalogDb): void {
    try {
      this.#attach();
      if (changesOf(db) !== this.#snapshotAt) this.#snapshot(db);
    } catch (e) {
      this.#fail(e);
    }
  }

  /** Resolves when no catch-up is running. */
  idle(): Promise<void> {
    return this.#running ?? Promise.resolve();
  }

  /** Restores one object file from one store to the other (a repair; the caller verifies both ends). */
  async copyBetween(objectId: string, from: 'primary' | 'replica'): Promise<void> {
    const primary = path.join(this.#o.primary.objects, objectId.slice(0, 2), objectId);
    if (from === 'primary') {
      this.#attach();
      await copyDurable(primary, this.objectPath(objectId), this.#l.staging);
      this.#present?.add(objectId);
    } else {
      await copyDurable(this.objectPath(objectId), primary, this.#o.primary.staging);
    }
  }

  status(db: CatalogDb, repaired: number): ReplicaStatus {
    const present = this.#present;
    const backlogObjects = present === null ? null : liveObjects(db).filter((id) => !present.has(id)).length;
    const catalogBehind = changesOf(db) !== this.#snapshotAt;
    const state = this.#unreachable ? 'unreachable' : (backlogObjects ?? 1) > 0 || catalogBehind || this.#problem ? 'backlog' : 'in-sync';
    return {
      path: this.root,
      required: this.required,
      state,
      backlogObjects,
      catalogBehind,
      repaired,
      problem: this.#problem,
      lastSyncAt: this.#lastSyncAt,
    };
  }
}

function liveObjects(db: CatalogDb): string[] {
  return db.prepare('SELECT id FROM objects WHERE wrapped_key IS NOT NULL ORDER BY rowid').pluck().all() as string[];
}

function changesOf(db: CatalogDb): number {
  return db.prepare('SELECT total_changes()').pluck().get() as number;
}
