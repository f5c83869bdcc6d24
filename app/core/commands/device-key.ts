// `kioskctl device key export --to DIR` and `kioskctl device rekey`: the only
// ways the device key moves. Both are for an administrator with a second,
// different person approving (people.ts, as export and purge), and both are
// viewing-log entries naming the two people. No secret is logged: the entries
// carry the key's id, where it went and how it is sealed.
import fs from 'node:fs';
import type { Auth } from '../auth';
import { KioskError } from '../errors';
import type { Kiosk } from '../kiosk';
import { problem } from '../../shared/problem';
import { EXIT_OK } from './exit-codes';
import type { Out } from './out';
import { authenticatePeople, personEntry, type Credential } from './people';

export interface DeviceKeyExportOptions {
  readonly to: string;
  readonly account: Credential | null;
  readonly approver: Credential | null;
  /** The passphrase the recovery file is sealed with (asked on the terminal or read from stdin, never argv). */
  readonly passphrase: string;
}

export async function deviceKeyExport(kiosk: Kiosk, auth: Auth, o: DeviceKeyExportOptions, out: Out): Promise<number> {
  const people = await authenticatePeople(kiosk, auth, 'device.key.export', o.account, o.approver);
  if (!fs.statSync(o.to, { throwIfNoEntry: false })?.isDirectory()) {
    throw new KioskError('environment', `--to ${o.to}: no such folder`, [problem(o.to, 'env.no-folder', 'the folder to write the recovery file into does not exist')]);
  }
  const file = kiosk.deviceKey.exportRecovery(o.to, o.passphrase, kiosk.config.device.id);
  try {
    kiosk.log.append('device.key.exported', {
      file, keyId: kiosk.keyStatus().keyId, sealedWith: 'passphrase (scrypt, AES-256-GCM)',
      account: personEntry(people.account), approver: people.approver ? personEntry(people.approver) : null,
    });
  } catch (e) {
    // Not logged, not out: a key copy nobody can account for must not remain.
    fs.rmSync(file, { force: true });
    throw e;
  }
  out.result({ file, keyId: kiosk.keyStatus().keyId }, () => `device key ${kiosk.keyStatus().keyId} written sealed with the passphrase to ${file}; keep it in the court's safe`);
  return EXIT_OK;
}

export async function deviceRekey(kiosk: Kiosk, auth: Auth, o: { account: Credential | null; approver: Credential | null }, out: Out): Promise<number> {
  const people = await authenticatePeople(kiosk, auth, 'device.rekey', o.account, o.approver);
  const { from, to } = kiosk.deviceKey.reseal();
  const side = (s: typeof from) => ({ sealedBy: s.kind, by: s.by, location: s.location });
  kiosk.log.append('device.key.resealed', {
    keyId: to.keyId, from: side(from), to: side(to),
    account: personEntry(people.account), approver: people.approver ? personEntry(people.approver) : null,
  });
  out.result({ keyId: to.keyId, from: side(from), to: side(to), warning: to.warning }, () =>
    [`device key ${to.keyId} sealed again: ${from.kind} (${from.by}) -> ${to.kind} (${to.by}) at ${to.location}`, ...(to.warning ? [`WARNING: ${to.warning}`] : [])].join('\n'),
  );
  return EXIT_OK;
}
