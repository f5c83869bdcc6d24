// Who acts, for the commands that record it (export, purge, complete, release,
// fetch): --account ID (and --approver ID where a second person is needed),
// each proved by the account's PIN or password. The secret is asked on the
// terminal without echo, or read from stdin with --secret-stdin (one line per
// account, the acting account first, then the approver) for scripts. It goes
// only to the owner (this process under the lock, or the service over its
// 0600 socket), which checks it with the kiosk's Auth and logs the attempt.
import type { Credential } from '../core/commands/people';
import { UsageError } from '../core/commands';

export interface PeopleFlags {
  readonly account?: string | undefined;
  readonly approver?: string | undefined;
  readonly secretStdin: boolean;
  readonly operator?: string | undefined;
}

async function readStdinLines(): Promise<string[]> {
  let text = '';
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) text += chunk as string;
  return text.split('\n').map((l) => l.replace(/\r$/, ''));
}

/** Asks on the terminal with echo off; Ctrl-C cancels (exit 2). */
function askHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) return Promise.reject(new UsageError('no terminal to ask the PIN or password on: give it on stdin with --secret-stdin'));
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let chars: string[] = [];
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          finish();
          resolve(chars.join(''));
          return;
        }
        if (ch === '\u0003') {
          finish();
          reject(new UsageError('cancelled'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') chars = chars.slice(0, -1);
        else chars.push(ch);
      }
    };
    stdin.on('data', onData);
  });
}

/**
 * The credentials to send with the request. A missing or repeated id is sent
 * as it is (without asking anything), so the owner refuses it and logs the refusal.
 */
export async function readPeople(f: PeopleFlags, needsApprover: boolean): Promise<{ account: Credential | null; approver: Credential | null }> {
  const { account, approver } = await readPeopleAnd(f, needsApprover, false);
  return { account, approver };
}

/**
 * As readPeople, and then a passphrase (`device key export`): the next line of
 * stdin with --secret-stdin, else asked twice on the terminal. Never argv or environment.
 */
export async function readPeopleAndPassphrase(f: PeopleFlags): Promise<{ account: Credential | null; approver: Credential | null; passphrase: string }> {
  const r = await readPeopleAnd(f, true, true);
  return { account: r.account, approver: r.approver, passphrase: r.passphrase ?? '' };
}

async function readPeopleAnd(f: PeopleFlags, needsApprover: boolean, passphrase: boolean): Promise<{ account: Credential | null; approver: Credential | null; passphrase?: string }> {
  if (f.operator !== undefined) throw new UsageError('--operator NAME is replaced by --account ID: an account of kiosk-config that proves who it is');
  const ids = [f.account, ...(needsApprover ? [f.approver] : [])];
  const complete = ids.every((id) => id !== undefined && id.trim() !== '') && (!needsApprover || f.account !== f.approver);
  const unasked = (id: string | undefined): Credential | null => (id === undefined ? null : { accountId: id, secret: '' });
  if (!complete) return { account: unasked(f.account), approver: needsApprover ? unasked(f.approver) : null };
  const secrets = f.secretStdin ? await readStdinLines() : [];
  const secretFor = async (i: number, id: string): Promise<string> =>
    f.secretStdin ? (secrets[i] ?? '') : askHidden(`PIN or password for ${id}: `);
  const account = { accountId: f.account!, secret: await secretFor(0, f.account!) };
  const approver = needsApprover ? { accountId: f.approver!, secret: await secretFor(1, f.approver!) } : null;
  if (!passphrase) return { account, approver };
  const at = needsApprover ? 2 : 1;
  if (f.secretStdin) return { account, approver, passphrase: secrets[at] ?? '' };
  const first = await askHidden('Passphrase for the recovery file: ');
  if ((await askHidden('The same passphrase again: ')) !== first) throw new UsageError('the two passphrases differ');
  return { account, approver, passphrase: first };
}
