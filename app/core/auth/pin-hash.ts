// scrypt hashes for clerk PINs and admin passwords. The string records its
// own parameters and salt (PHC style), so stored hashes keep verifying after
// the defaults are raised, and tests can use cheap parameters.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export interface ScryptParams {
  /** log2 of the CPU/memory cost N. */
  readonly ln: number;
  readonly r: number;
  readonly p: number;
}

/** ~32 MiB and tens of milliseconds per check on a kiosk PC: slow enough to
 * make offline guessing of a 4–6 digit PIN costly, fast enough for a person. */
export const DEFAULT_SCRYPT: ScryptParams = { ln: 15, r: 8, p: 1 };

const KEY_LEN = 32;
const SALT_LEN = 16;
const PREFIX = '$scrypt$';
const FORMAT = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]{22,}={0,2})\$([A-Za-z0-9+/]{43}=?)$/;

export interface ParsedPinHash {
  readonly params: ScryptParams;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

/** Parses `$scrypt$ln=15,r=8,p=1$<salt b64>$<hash b64>`; null when malformed. */
export function parsePinHash(text: string): ParsedPinHash | null {
  const m = FORMAT.exec(text);
  if (!m) return null;
  const [, ln, r, p, salt, hash] = m;
  const params = { ln: Number(ln), r: Number(r), p: Number(p) };
  if (params.ln < 1 || params.ln > 20 || params.r < 1 || params.p < 1) return null;
  const hashBuf = Buffer.from(hash ?? '', 'base64');
  if (hashBuf.length !== KEY_LEN) return null;
  return { params, salt: Buffer.from(salt ?? '', 'base64'), hash: hashBuf };
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

export async function hashPin(secret: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(SALT_LEN);
  const key = await derive(secret, salt, params);
  return `${PREFIX}ln=${params.ln},r=${params.r},p=${params.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** True when `secret` matches; compares in constant time. A malformed hash never matches. */
export async function verifyPin(stored: string, secret: string): Promise<boolean> {
  const parsed = parsePinHash(stored);
  if (!parsed) return false;
  const key = await derive(secret, parsed.salt, parsed.params);
  return timingSafeEqual(key, parsed.hash);
}
