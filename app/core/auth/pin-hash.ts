// scrypt hashes for clerk PINs and admin passwords. The string records its
// own parameters and salt (PHC style), so stored hashes keep verifying with
// the parameters they were made with after the defaults are raised, and tests
// can use cheap parameters. A hash made by `kioskctl pin-hash` also records
// the secret policy it was made under (`policy=clerk-6`): a hash cannot tell
// how long its secret was, so this is how `config check` refuses an account
// whose PIN is shorter than the policy, and sign-in holds every typed secret
// to the policy its hash claims (a claim edited upwards locks the account).
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export interface ScryptParams {
  /** log2 of the CPU/memory cost N. */
  readonly ln: number;
  readonly r: number;
  readonly p: number;
}

/**
 * N = 2^17, r = 8: 128 MiB and about 300 ms of CPU per guess on the kiosk
 * reference machine (`npx tsx bench/scrypt.ts`, docs/performance.md; 2^16 was
 * 150-180 ms). A million 6-digit PINs from a copied config then cost about 3.5
 * CPU-days instead of hours. Verification always uses the parameters a hash
 * records, so hashes made with the older 2^15 keep working.
 */
export const DEFAULT_SCRYPT: ScryptParams = { ln: 17, r: 8, p: 1 };

export type SecretRole = 'clerk' | 'admin';

/** The policy a secret was checked against before it was hashed: its role and the minimum length then in force. */
export interface HashPolicy {
  readonly role: SecretRole;
  readonly min: number;
}

const KEY_LEN = 32;
const SALT_LEN = 16;
const PREFIX = '$scrypt$';
const FORMAT = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})(?:,policy=(clerk|admin)-(\d{1,3}))?\$([A-Za-z0-9+/]{22,}={0,2})\$([A-Za-z0-9+/]{43}=?)$/;

export interface ParsedPinHash {
  readonly params: ScryptParams;
  /** Null for a hash made without a policy (before kioskctl recorded one, or the demo's and tests' own). */
  readonly policy: HashPolicy | null;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

/** Parses `$scrypt$ln=17,r=8,p=1[,policy=clerk-6]$<salt b64>$<hash b64>`; null when malformed. */
export function parsePinHash(text: string): ParsedPinHash | null {
  const m = FORMAT.exec(text);
  if (!m) return null;
  const [, ln, r, p, role, min, salt, hash] = m;
  const params = { ln: Number(ln), r: Number(r), p: Number(p) };
  if (params.ln < 1 || params.ln > 20 || params.r < 1 || params.p < 1) return null;
  const hashBuf = Buffer.from(hash ?? '', 'base64');
  if (hashBuf.length !== KEY_LEN) return null;
  const policy: HashPolicy | null = role === 'clerk' || role === 'admin' ? { role, min: Number(min) } : null;
  return { params, policy, salt: Buffer.from(salt ?? '', 'base64'), hash: hashBuf };
}

function derive(secret: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const N = 2 ** params.ln;
  // Node refuses more than 32 MiB by default; scrypt needs 128·N·r bytes.
  const maxmem = 256 * N * params.r + 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(secret.normalize('NFC'), salt, KEY_LEN, { N, r: params.r, p: params.p, maxmem }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/** Hashes `secret`; `policy` records what it was checked against (kioskctl pin-hash), never the secret's length. */
export async function hashPin(secret: string, params: ScryptParams = DEFAULT_SCRYPT, policy?: HashPolicy): Promise<string> {
  const salt = randomBytes(SALT_LEN);
  const key = await derive(secret, salt, params);
  const recorded = policy ? `,policy=${policy.role}-${policy.min}` : '';
  return `${PREFIX}ln=${params.ln},r=${params.r},p=${params.p}${recorded}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** True when `secret` matches; compares in constant time. A malformed hash never matches. */
export async function verifyPin(stored: string, secret: string): Promise<boolean> {
  const parsed = parsePinHash(stored);
  if (!parsed) return false;
  const key = await derive(secret, parsed.salt, parsed.params);
  return timingSafeEqual(key, parsed.hash);
}
