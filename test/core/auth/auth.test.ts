import { describe, expect, it } from 'vitest';
import { SimulatedClock } from 'xstate';
import {
  Auth,
  DEFAULT_SCRYPT,
  LOCKOUT_MS,
  MAX_LOCKOUT_MS,
  MemoryLockoutStore,
  UNKNOWN_IDS_KEPT,
  checkSecretPolicy,
  hashPin,
  hashPolicyProblem,
  lockoutMs,
  makeAccountPinHash,
  parseAccounts,
  parsePinHash,
  verifyPin,
  type Account,
  type ScryptParams,
} from '../../../app/core/auth';
import { KioskError } from '../../../app/core/errors';

// Cheap parameters keep the suite fast; the format records them, so
// verification uses whatever a hash was made with.
const FAST: ScryptParams = { ln: 10, r: 8, p: 1 };

interface Logged {
  type: string;
  data: Record<string, unknown>;
}

async function setup(): Promise<{ auth: Auth; clock: SimulatedClock; events: Logged[] }> {
  const accounts: Account[] = [
    { id: 'anna', name: 'Anna Kowalska', role: 'clerk', pinHash: await hashPin('4711', FAST) },
    { id: 'it', name: 'Court IT', role: 'admin', pinHash: await hashPin('correct horse battery', FAST) },
  ];
  const clock = new SimulatedClock();
  clock.set(Date.UTC(2025, 1, 7, 9, 0, 0));
  const events: Logged[] = [];
  const auth = new Auth({ accounts, now: () => clock.now(), onEvent: (type, data) => events.push({ type, data }) });
  return { auth, clock, events };
}

describe('PIN hashes', () => {
  it('verifies the right PIN and refuses a wrong one', async () => {
    const h = await hashPin('4711', FAST);
    expect(await verifyPin(h, '4711')).toBe(true);
    expect(await verifyPin(h, '4712')).toBe(false);
    expect(await verifyPin(h, '')).toBe(false);
  });

  it('records scrypt parameters and a fresh salt in each hash', async () => {
    const a = await hashPin('4711', FAST);
    const b = await hashPin('4711', FAST);
    expect(a).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$/);
    expect(a).not.toBe(b);
    expect(parsePinHash(a)?.salt.equals(parsePinHash(b)?.salt ?? Buffer.alloc(0))).toBe(false);
  });

  it('uses scrypt with N = 2^17, r = 8 by default (about 0.3 s of CPU a guess on the reference machine, bench/scrypt.ts)', async () => {
    const h = await hashPin('135790');
    expect(parsePinHash(h)?.params).toEqual(DEFAULT_SCRYPT);
    expect(DEFAULT_SCRYPT).toEqual({ ln: 17, r: 8, p: 1 });
    expect(await verifyPin(h, '135790')).toBe(true);
  });

  it('keeps verifying a hash made with the older, cheaper default (N = 2^15) by the parameters it records', async () => {
    const old = await hashPin('135790', { ln: 15, r: 8, p: 1 });
    expect(old).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$/);
    expect(await verifyPin(old, '135790')).toBe(true);
    expect(await verifyPin(old, '135791')).toBe(false);
  });

  it('never matches a malformed or tampered hash', async () => {
    const h = await hashPin('4711', FAST);
    expect(await verifyPin('plain:4711', '4711')).toBe(false);
    const parsed = parsePinHash(h);
    expect(parsed).not.toBeNull();
    const flipped = Buffer.from(parsed?.hash ?? Buffer.alloc(0));
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    const tampered = h.replace(/[^$]+$/, flipped.toString('base64'));
    expect(await verifyPin(tampered, '4711')).toBe(false);
  });
});

describe('PIN policy and config hashes', () => {
  it('accepts 6 to 12 digits for clerks, 10+ characters for admins', () => {
    expect(checkSecretPolicy('clerk', '135790')).toEqual([]);
    expect(checkSecretPolicy('clerk', '4711')[0]?.rule).toBe('auth.pin.policy');
    expect(checkSecretPolicy('clerk', '47110')[0]?.rule).toBe('auth.pin.policy');
    expect(checkSecretPolicy('clerk', '123')[0]?.rule).toBe('auth.pin.policy');
    expect(checkSecretPolicy('clerk', '12ab')[0]?.rule).toBe('auth.pin.policy');
    expect(checkSecretPolicy('clerk', '1234567890123')[0]?.rule).toBe('auth.pin.policy');
    expect(checkSecretPolicy('admin', 'short')[0]?.rule).toBe('auth.password.policy');
    expect(checkSecretPolicy('admin', '123456789')[0]?.rule).toBe('auth.password.policy');
    expect(checkSecretPolicy('admin', 'correct horse')).toEqual([]);
  });

  it('makes a config pinHash only for a secret within the policy, and records the policy in it', async () => {
    const h = await makeAccountPinHash('clerk', '135790', FAST);
    expect(h).toMatch(/^\$scrypt\$ln=10,r=8,p=1,policy=clerk-6\$/);
    expect(parsePinHash(h)?.policy).toEqual({ role: 'clerk', min: 6 });
    expect(await verifyPin(h, '135790')).toBe(true);
    expect(await makeAccountPinHash('admin', 'correct horse', FAST)).toMatch(/,policy=admin-10\$/);
    await expect(makeAccountPinHash('clerk', '12', FAST)).rejects.toBeInstanceOf(KioskError);
    await expect(makeAccountPinHash('clerk', '12345', FAST)).rejects.toThrow(/6 to 12 digits/);
    await expect(makeAccountPinHash('admin', '123456789', FAST)).rejects.toThrow(/10 to/);
  });

  it('judges a stored hash by the policy it records: none, an older minimum or another role is refused, naming the rule', async () => {
    expect(hashPolicyProblem('clerk', await makeAccountPinHash('clerk', '135790', FAST))).toBeNull();
    expect(hashPolicyProblem('admin', await makeAccountPinHash('admin', 'correct horse', FAST))).toBeNull();
    // Made without a policy (a 4-digit PIN hashed before the policy, or by hand).
    expect(hashPolicyProblem('clerk', await hashPin('4711', FAST))).toMatchObject({ rule: 'auth.pin.policy', message: expect.stringMatching(/at least|6 to 12.*kioskctl pin-hash --role clerk/) });
    expect(hashPolicyProblem('admin', await hashPin('admin-2026', FAST))?.rule).toBe('auth.password.policy');
    // Made when 4 digits were enough.
    expect(hashPolicyProblem('clerk', await hashPin('4711', FAST, { role: 'clerk', min: 4 }))).toMatchObject({ rule: 'auth.pin.policy', message: expect.stringContaining('4 were enough') });
    // An admin's hash on a clerk's account.
    expect(hashPolicyProblem('clerk', await makeAccountPinHash('admin', '1234567890', FAST))?.rule).toBe('auth.pin.policy');
  });

  it('parses accounts from the config and names the bad field', async () => {
    const good = { id: 'anna', name: 'Anna', role: 'clerk', pinHash: await makeAccountPinHash('clerk', '135790', FAST) };
    expect(parseAccounts([good])).toHaveLength(1);
    try {
      parseAccounts([{ ...good, pinHash: await hashPin('4711', FAST) }]);
      expect.unreachable();
    } catch (err) {
      expect((err as KioskError).problems).toEqual([expect.objectContaining({ rule: 'auth.pin.policy', field: 'accounts.0.pinHash' })]);
    }
    try {
      parseAccounts([{ ...good, pinHash: 'md5:abc' }]);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(KioskError);
      expect((err as KioskError).problems[0]?.field).toBe('accounts.0.pinHash');
    }
    expect(() => parseAccounts([good, good])).toThrow(/twice/);
    expect(() => parseAccounts([{ ...good, role: 'root' }])).toThrow(KioskError);
  });
});

describe('Auth', () => {
  it('accepts the right PIN and logs auth.success without the PIN', async () => {
    const { auth, events } = await setup();
    const v = await auth.attempt('anna', '4711', { purpose: 'open-session' });
    expect(v).toEqual({ ok: true, account: { id: 'anna', name: 'Anna Kowalska', role: 'clerk' } });
    expect(events).toEqual([{ type: 'auth.success', data: { purpose: 'open-session', accountId: 'anna', role: 'clerk' } }]);
    expect(JSON.stringify(events)).not.toContain('4711');
  });

  it('locks an account for 5 minutes after 5 consecutive failures, logging each attempt', async () => {
    const { auth, clock, events } = await setup();
    for (let i = 1; i <= 4; i++) expect(await auth.attempt('anna', '0000')).toEqual({ ok: false, reason: 'wrong-pin' });
    expect(await auth.attempt('anna', '0000')).toEqual({ ok: false, reason: 'locked', retryAfterSec: 300 });
    expect(events.map((e) => e.type)).toEqual(['auth.failure', 'auth.failure', 'auth.failure', 'auth.failure', 'auth.failure', 'auth.lockout']);
    expect(events[4]?.data).toMatchObject({ accountId: 'anna', reason: 'wrong-pin', consecutiveFailures: 5 });

    // Locked: even the right PIN is refused, and the refusal is logged.
    expect(await auth.attempt('anna', '4711')).toMatchObject({ ok: false, reason: 'locked' });
    expect(events.at(-1)).toMatchObject({ type: 'auth.failure', data: { reason: 'locked' } });
    expect(auth.lockedFor('anna')).toBe(300);

    clock.increment(LOCKOUT_MS - 1000);
    expect(await auth.attempt('anna', '4711')).toEqual({ ok: false, reason: 'locked', retryAfterSec: 1 });
    clock.increment(1000);
    expect(auth.lockedFor('anna')).toBe(0);
    expect(await auth.attempt('anna', '4711')).toMatchObject({ ok: true });
    expect(events.at(-1)?.type).toBe('auth.success');
  });

  it('starts counting again after a success', async () => {
    const { auth } = await setup();
    for (let i = 0; i < 4; i++) await auth.attempt('anna', '9999');
    expect((await auth.attempt('anna', '4711')).ok).toBe(true);
    for (let i = 0; i < 4; i++) expect(await auth.attempt('anna', '9999')).toEqual({ ok: false, reason: 'wrong-pin' });
    expect(auth.lockedFor('anna')).toBe(0);
  });

  it('keeps lockouts per account', async () => {
    const { auth } = await setup();
    for (let i = 0; i < 5; i++) await auth.attempt('anna', '9999');
    expect(auth.lockedFor('anna')).toBe(300);
    expect((await auth.attempt('it', 'correct horse battery')).ok).toBe(true);
  });

  it('refuses unknown accounts and malformed PINs as failures that count', async () => {
    const { auth, events } = await setup();
    expect(await auth.attempt('nobody', '4711')).toEqual({ ok: false, reason: 'unknown-account' });
    expect(await auth.attempt('anna', '47a1')).toEqual({ ok: false, reason: 'malformed' });
    expect(events.map((e) => [e.type, e.data.reason])).toEqual([
      ['auth.failure', 'unknown-account'],
      ['auth.failure', 'malformed'],
    ]);
    for (let i = 0; i < 4; i++) await auth.attempt('nobody', '4711');
    expect(auth.lockedFor('nobody')).toBe(300);
  });

  it('holds a typed secret to the policy its hash records: a 4-digit entry for a 6-digit account is malformed, and counts', async () => {
    const accounts: Account[] = [{ id: 'ewa', name: 'Ewa', role: 'clerk', pinHash: await makeAccountPinHash('clerk', '135790', FAST) }];
    const auth = new Auth({ accounts });
    expect(await auth.attempt('ewa', '1357')).toEqual({ ok: false, reason: 'malformed' });
    expect((await auth.attempt('ewa', '135790')).ok).toBe(true);
    // A hash whose recorded policy was edited upwards locks its 4-digit PIN out rather than letting it in.
    const edited = (await hashPin('4711', FAST)).replace('p=1$', 'p=1,policy=clerk-6$');
    const forged = new Auth({ accounts: [{ id: 'old', name: 'Old', role: 'clerk', pinHash: edited }] });
    expect(await forged.attempt('old', '4711')).toEqual({ ok: false, reason: 'malformed' });
  });

  it('[PL-8.1] backs off: each lockout without a success in between doubles, 5, 10, 20, 40 minutes, then an hour at most; a success starts again', async () => {
    expect([1, 2, 3, 4, 5, 6, 50].map((n) => lockoutMs(n) / 60_000)).toEqual([5, 10, 20, 40, 60, 60, 60]);
    const { auth, clock, events } = await setup();
    for (const minutes of [5, 10, 20, 40, 60, 60]) {
      for (let i = 0; i < 5; i++) await auth.attempt('anna', '0000');
      expect(auth.lockedFor('anna')).toBe(minutes * 60);
      expect(events.at(-1)).toMatchObject({ type: 'auth.lockout', data: { retryAfterSec: minutes * 60 } });
      clock.increment(minutes * 60_000);
    }
    expect(MAX_LOCKOUT_MS).toBe(60 * 60_000);
    expect((await auth.attempt('anna', '4711')).ok).toBe(true);
    for (let i = 0; i < 5; i++) await auth.attempt('anna', '0000');
    expect(auth.lockedFor('anna')).toBe(LOCKOUT_MS / 1000);
  });

  it('[PL-8.1] takes a burst of attempts on one account one at a time: eight at once get five checks, then the lockout', async () => {
    const { auth, events } = await setup();
    const verdicts = await Promise.all(Array.from({ length: 8 }, () => auth.attempt('anna', '0000')));
    expect(verdicts.map((v) => (v.ok ? 'ok' : v.reason))).toEqual(['wrong-pin', 'wrong-pin', 'wrong-pin', 'wrong-pin', 'locked', 'locked', 'locked', 'locked']);
    expect(events.filter((e) => e.data.reason === 'wrong-pin').map((e) => e.data.consecutiveFailures)).toEqual([1, 2, 3, 4, 5]);
    expect(events.filter((e) => e.type === 'auth.lockout')).toHaveLength(1);
  });

  it(`[PL-8.1] never forgets an account's failures for made-up ids: ${UNKNOWN_IDS_KEPT + 200} unknown ids later, a locked account is still locked`, async () => {
    const { auth } = await setup();
    for (let i = 0; i < 5; i++) await auth.attempt('anna', '0000');
    for (let i = 0; i < 3; i++) await auth.attempt('it', 'wrong password');
    for (let i = 0; i < UNKNOWN_IDS_KEPT + 200; i++) await auth.attempt(`made-up-${i}`, '1234');
    expect(auth.lockedFor('anna')).toBe(300);
    // 'it' had three failures: two more lock it, they were not flushed either.
    for (let i = 0; i < 2; i++) await auth.attempt('it', 'wrong password');
    expect(auth.lockedFor('it')).toBe(300);
  }, 120_000);
});

describe('MemoryLockoutStore', () => {
  it(`keeps the newest ${UNKNOWN_IDS_KEPT} unknown ids, dropping the oldest one by one, and every known account`, () => {
    const store = new MemoryLockoutStore();
    const one = { failures: 1, lockouts: 0, lockedUntil: null };
    store.put('anna', one, true, 0);
    for (let i = 0; i < UNKNOWN_IDS_KEPT + 10; i++) store.put(`x${i}`, one, false, i);
    expect(store.get('anna')).toEqual(one);
    expect(store.get('x9')).toBeUndefined();
    expect(store.get('x10')).toEqual(one);
    expect(store.get(`x${UNKNOWN_IDS_KEPT + 9}`)).toEqual(one);
  });
});
