// `kioskctl pin-hash --role clerk|admin`: reads a PIN (clerk) or password
// (admin) from standard input and prints the scrypt hash for kiosk-config's
// accounts. The secret is never echoed, logged or passed on the command line.
import { makeAccountPinHash } from '../../core/auth';
import { EXIT_OK, UsageError } from '../../core/commands/exit-codes';
import type { Out } from '../output';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

export async function pinHash(role: string | undefined, out: Out): Promise<number> {
  if (role !== 'clerk' && role !== 'admin') throw new UsageError('--role clerk|admin is required');
  const hash = await makeAccountPinHash(role, await readStdin());
  out.result({ role, pinHash: hash }, () => hash);
  return EXIT_OK;
}
