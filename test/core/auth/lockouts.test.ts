// Lockouts kept in the catalog: a real SQLite file, closed and opened again,
// as a kiosk restarted (or killed and started) by its supervisor opens it.
import fs from 'node:fs';
import path from 'node:path';
import { SimulatedClock } from 'xstate';
import { describe, expect, it } from 'vitest';
import { Auth, SqliteLockoutStore, UNKNOWN_IDS_KEPT, createKioskAuth, makeAccountPinHash, type Account, type ScryptParams } from '../../../app/core/auth';
import { openDatabase } from '../../../app/core/catalog';
import { parseConfig } from '../../../app/core/config';
import { openKiosk } from '../../../app/core/kiosk';
import { REPO, scratch } from '../../helpers/paths';

const FAST: ScryptParams = { ln: 10, r: 8, p: 1 };
const PIN = '135790';
const WRONG = '000000';

async function accounts(): Promise<Account[]> {
  return [{ id: 'anna', name: 'Anna Kowalska', role: 'clerk', pinHash: await makeAccountPinHash('clerk', PIN, FAST) }];
}

/** An Auth on its own open of the catalog file, with a clock the test turns. */
function authOn(file: string, list: Account[], clock: SimulatedClock): { auth: Auth; close(): void } {
  const db = openDatabase(file);
  return { auth: new Auth({ accounts: list, now: () => clock.now(), lockouts: new SqliteLockoutStore(db) }), close: () => db.close() };
}

function startClock(): SimulatedClock {
  const clock = new SimulatedClock();
  clock.set(Date.UTC(2026, 0, 12, 8, 0, 0));
  return clock;
}

describe('lockouts in the catalog', () => {
  it('[PL-8.1] a lockout survives a restart: the kiosk closed and opened again from the same data directory still refuses the right PIN', async () => {
    const dataDir = scratch();
    const configFile = path.join(REPO, 'kiosk-config', 'court-kiosk-pl.json');
    const example = parseConfig(fs.readFileSync(configFile, 'utf8'), configFile);
    if (!example.ok) throw new Error('example config invalid');
    const config = { ...example.config, accounts: await accounts() };

    const first = await openKiosk({ dataDir, config, configFile });
    const before = createKioskAuth(first);
    for (let i = 0; i < 4; i++) expect(await before.attempt('anna', WRONG)).toEqual({ ok: false, reason: 'wrong-pin' });
    expect(await before.attempt('anna', WRONG)).toEqual({ ok: false, reason: 'locked', retryAfterSec: 300 });
    first.close();

    const second = await openKiosk({ dataDir, config, configFile });
    try {
      const after = createKioskAuth(second);
      expect(after.lockedFor('anna')).toBeGreaterThan(250);
      expect(await after.attempt('anna', PIN)).toMatchObject({ ok: false, reason: 'locked' });
      // The refusals, and the lockout itself, are in the viewing log the second open reads.
      const types = (second.db.prepare("SELECT json_extract(entry, '$.type') AS type FROM viewing_log WHERE type LIKE 'auth.%' ORDER BY seq").all() as { type: string }[]).map((r) => r.type);
      expect(types).toEqual([...Array<string>(5).fill('auth.failure'), 'auth.lockout', 'auth.failure']);
    } finally {
      second.close();
    }
  });

  it('[PL-8.1] failures short of a lockout survive a restart too: three, a restart, two more lock the account', async () => {
    const file = path.join(scratch(), 'catalog.sqlite');
    const clock = startClock();
    const list = await accounts();
    const a = authOn(file, list, clock);
    for (let i = 0; i < 3; i++) await a.auth.attempt('anna', WRONG);
    a.close();
    const b = authOn(file, list, clock);
    expect(await b.auth.attempt('anna', WRONG)).toEqual({ ok: false, reason: 'wrong-pin' });
    expect(await b.auth.attempt('anna', WRONG)).toEqual({ ok: false, reason: 'locked', retryAfterSec: 300 });
    b.close();
  });

  it('[PL-8.1] the back-off survives a restart: after a lockout has run out, the next one is twice as long; a success starts again', async () => {
    const file = path.join(scratch(), 'catalog.sqlite');
    const clock = startClock();
    const list = await accounts();
    const a = authOn(file, list, clock);
    for (let i = 0; i < 5; i++) await a.auth.attempt('anna', WRONG);
    a.close();
    clock.increment(5 * 60_000);
    const b = authOn(file, list, clock);
    expect(b.auth.lockedFor('anna')).toBe(0);
    for (let i = 0; i < 4; i++) expect(await b.auth.attempt('anna', WRONG)).toEqual({ ok: false, reason: 'wrong-pin' });
    expect(await b.auth.attempt('anna', WRONG)).toEqual({ ok: false, reason: 'locked', retryAfterSec: 600 });
    b.close();
    clock.increment(10 * 60_000);
    const c = authOn(file, list, clock);
    expect((await c.auth.attempt('anna', PIN)).ok).toBe(true);
    c.close();
    const d = authOn(file, list, clock);
    for (let i = 0; i < 5; i++) await d.auth.attempt('anna', WRONG);
    expect(d.auth.lockedFor('anna')).toBe(300);
    d.close();
  });

  it(`keeps every account's row and only the newest ${UNKNOWN_IDS_KEPT} made-up ids: never flushed wholesale`, () => {
    const db = openDatabase(path.join(scratch(), 'catalog.sqlite'));
    try {
      const store = new SqliteLockoutStore(db);
      const locked = { failures: 5, lockouts: 1, lockedUntil: 1_000_000 };
      store.put('anna', locked, true, 0);
      for (let i = 0; i < UNKNOWN_IDS_KEPT + 50; i++) store.put(`made-up-${i}`, { failures: 1, lockouts: 0, lockedUntil: null }, false, i + 1);
      expect(store.get('anna')).toEqual(locked);
      expect(store.get('made-up-49')).toBeUndefined();
      expect(store.get('made-up-50')).toBeDefined();
      const counts = db.prepare('SELECT known, count(*) AS n FROM auth_lockouts GROUP BY known ORDER BY known').all();
      expect(counts).toEqual([{ known: 0, n: UNKNOWN_IDS_KEPT }, { known: 1, n: 1 }]);
      store.clear('anna');
      expect(store.get('anna')).toBeUndefined();
    } finally {
      db.close();
    }
  });
});

describe('lockouts on the monotonic clock', () => {
  /** An Auth whose wall clock and monotonic clock the test turns apart, over one catalog file. */
  function twoClocks(file: string, list: Account[], wall: SimulatedClock, mono: SimulatedClock): { auth: Auth; close(): void } {
    const db = openDatabase(file);
    return { auth: new Auth({ accounts: list, now: () => wall.now(), monotonic: () => mono.now(), lockouts: new SqliteLockoutStore(db) }), close: () => db.close() };
  }

  it('[PL-8.1] [DC-6] a wall clock set back 3 h neither stretches a lockout nor, set forward, ends it early; it lasts 300 s of real time', async () => {
    const file = path.join(scratch(), 'catalog.sqlite');
    const list = await accounts();
    const wall = startClock();
    const mono = new SimulatedClock();
    const a = twoClocks(file, list, wall, mono);
    try {
      for (let i = 0; i < 5; i++) await a.auth.attempt('anna', WRONG);
      expect(a.auth.lockedFor('anna')).toBe(300);
      wall.increment(-3 * 3600_000); // the wall clock set back 3 h; no real time passes
      expect(a.auth.lockedFor('anna')).toBe(300);
      mono.increment(299_000);
      expect(a.auth.lockedFor('anna')).toBe(1);
      wall.increment(6 * 3600_000); // and forward 6 h: still one real second to go
      expect(a.auth.lockedFor('anna')).toBe(1);
      mono.increment(1_000);
      expect(a.auth.lockedFor('anna')).toBe(0);
      expect(await a.auth.attempt('anna', PIN)).toMatchObject({ ok: true });
    } finally {
      a.close();
    }
  });

  it('[PL-8.1] after a restart the stored lockout is read once from the wall clock, never longer than the lockout itself', async () => {
    const file = path.join(scratch(), 'catalog.sqlite');
    const list = await accounts();
    const wall = startClock();
    const first = twoClocks(file, list, wall, new SimulatedClock());
    for (let i = 0; i < 5; i++) await first.auth.attempt('anna', WRONG);
    first.close();
    // Restarted with the wall clock set back 3 h: the stored end lies 3 h 5 min ahead, but a first lockout is 300 s.
    wall.increment(-3 * 3600_000);
    const mono = new SimulatedClock();
    const second = twoClocks(file, list, wall, mono);
    try {
      expect(second.auth.lockedFor('anna')).toBe(300);
      mono.increment(300_000);
      expect(second.auth.lockedFor('anna')).toBe(0);
    } finally {
      second.close();
    }
  });
});
