// A kiosk whose viewing log is witnessed by a reference TIS on 127.0.0.1: its
// device key registered with the TIS, its kiosk-config naming the TIS, a
// service started and stopped as a test needs, whole sessions run through it.
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { parseCheckpointBody, parseNote } from '../../app/core/viewing-log/checkpoint';
import { startTisServer, type TisServer } from '../../scripts/tis-server/server';
import type { Pki } from '../core/tis/fixture';
import { DEMO_CARRIER } from './demo';
import { serveKiosk, type Served } from './kioskctl';
import { KioskDir } from './kiosk-dir';
import { REPO } from './paths';
import { SessionClient, openDemoSession } from './session-client';

export const DEVICE = 'SR-KRK-KIOSK-01';

export interface WitnessStatus {
  witness?: { alarm: string | null; checking: boolean };
}

export async function until<T>(what: string, f: () => T | null | undefined | false, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export class WitnessedKiosk {
  served: Served | null = null;

  private constructor(
    readonly k: KioskDir,
    readonly tis: TisServer,
  ) {}

  static async create(pki: Pki, tmp: string): Promise<WitnessedKiosk> {
    const k = new KioskDir();
    const example = JSON.parse(fs.readFileSync(path.join(REPO, 'kiosk-config', 'court-kiosk-pl.json'), 'utf8')) as Record<string, unknown>;
    delete example.$schema;
    const write = (extra: Record<string, unknown>): void => fs.writeFileSync(path.join(k.dir, 'config.json'), JSON.stringify({ ...example, ...extra }));
    write({});
    const pub = k.json<{ publicKeyPem: string }>(['device', 'pubkey']);
    expect(pub.code, pub.stderr).toBe(0);
    const tis = await startTisServer({ root: path.join(tmp, 'root'), certs: pki.dir, stateDir: fs.mkdtempSync(path.join(tmp, 'state-')), devices: { [DEVICE]: pub.json.publicKeyPem } });
    write({ tis: { baseUrl: tis.url, caFile: path.join(pki.dir, 'ca.crt'), certFile: path.join(pki.dir, 'client.crt'), keyFile: path.join(pki.dir, 'client.key') } });
    return new WitnessedKiosk(k, tis);
  }

  /** Starts `kioskctl serve --demo`; resolves once its first check against the TIS has answered. */
  async start(): Promise<Served> {
    this.served = await serveKiosk(['--demo'], { ...this.k.env, KIOSK_DEMO_CARRIER: DEMO_CARRIER });
    await until('the first witness check', () => this.k.json<WitnessStatus>(['status']).json.witness?.checking === false);
    return this.served;
  }

  /** start(), then a session client let in by this launch's one code exchange (a browser then cannot be). */
  async serve(): Promise<SessionClient> {
    return SessionClient.connect(await this.start());
  }

  async stop(): Promise<void> {
    await this.served?.stop();
    this.served = null;
  }

  async close(): Promise<void> {
    await this.stop();
    await this.tis.close();
  }

  /** The tree size of the checkpoint the TIS holds. */
  heldSize(): number | null {
    const note = this.tis.checkpoints.latest(DEVICE);
    return note === null ? null : parseCheckpointBody(parseNote(note).text).size;
  }

  logSize(): number {
    return this.k.query<{ n: number }>('SELECT count(*) AS n FROM viewing_log')[0]!.n;
  }

  /** A whole session, closed; resolves once the TIS holds the checkpoint made at its close. */
  async runSession(c: SessionClient): Promise<number> {
    await openDemoSession(c);
    await c.send({ type: 'viewer.play', mediaTime: 0 });
    await c.sendUntil({ type: 'viewer.end' }, (v) => v.screen === 'ended');
    const closedAt = this.k.query<{ seq: number }>("SELECT seq FROM viewing_log WHERE entry LIKE '%\"type\":\"session.closed\"%' ORDER BY seq DESC LIMIT 1")[0]!.seq + 1;
    await until('the TIS to hold the session\'s checkpoint', () => (this.heldSize() ?? 0) >= closedAt);
    await c.sendUntil({ type: 'summary.close' }, (v) => v.screen === 'locked');
    return this.heldSize()!;
  }

  /** The newest entries (and the checkpoints that named them) cut with the sqlite3 tool, as someone erasing a viewing would. */
  cutTail(keep: number): void {
    this.k.sqlite3(`DELETE FROM viewing_log WHERE seq >= ${keep}; DELETE FROM viewing_log_checkpoint WHERE size > ${keep}; DELETE FROM tis_outbox;`);
  }
}
