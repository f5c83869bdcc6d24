// `kioskctl device key restore --from FILE --account A --approver B`: the
// device key back from its recovery file on a machine that lost its key
// directory (docs/storage.md, "Recovery"). Not through the service: without
// its key no service can run. kioskctl puts the key into the empty key
// directory, opens the kiosk as owner under the lock, and only then can it
// authenticate the two administrators (their lockouts live in the catalog);
// if they are not accepted, or the log cannot take the entry, the key it put
// back is removed again.
import path from 'node:path';
import { appVersion } from '../../core/app-root';
import { createKioskAuth } from '../../core/auth';
import { authenticatePeople, personEntry, type Credential } from '../../core/commands/people';
import { commandFailure } from '../../core/commands/failure';
import type { Out } from '../../core/commands';
import { resolveDataDir } from '../../core/data-dir';
import { KioskError } from '../../core/errors';
import { problem } from '../../shared/problem';
import { keyDirOf, type Kiosk } from '../../core/kiosk';
import { restoreDeviceKey, shredFile } from '../../core/keys';
import { connectService, tryOpenOwnedKiosk } from '../../core/service';
import { configFromOptions, REPO_ROOT, type GlobalOptions } from '../context';

export async function keyRestore(
  g: GlobalOptions,
  from: string,
  who: { account: Credential | null; approver: Credential | null; passphrase: string },
  out: Out,
): Promise<number> {
  try {
    const dataDir = resolveDataDir(g.dataDir);
    const { config, configFile } = configFromOptions(g, out.info);
    const sock = await connectService(dataDir);
    if (sock) {
      sock.destroy();
      throw new KioskError('refused', `a kiosk service holds ${dataDir}, so its key is there: nothing to restore (rule keys.restore.present)`);
    }
    // Refusals before the key is back cannot be logged (the log's entries are keyed by it): the obvious ones go first.
    if (!who.account || !who.approver || who.account.accountId.trim() === who.approver.accountId.trim()) {
      const message = 'device.key.restore needs two different administrators: --account ID and --approver ID (not logged: without its key the log cannot be written)';
      throw new KioskError('refused', message, [problem('kioskctl', 'command.people.same-person', message, '--approver')]);
    }
    const placed = restoreDeviceKey({ dataDir, keyDir: keyDirOf({ dataDir, config, configFile }), create: true }, from, who.passphrase);
    let kiosk: Kiosk | null = null;
    try {
      kiosk = await tryOpenOwnedKiosk({ dataDir, config, configFile, who: { kind: 'command', what: 'kioskctl device key restore', version: appVersion(REPO_ROOT) } });
      if (!kiosk) throw new KioskError('refused', `another kioskctl command holds ${dataDir}: try again when it is done`);
      const people = await authenticatePeople(kiosk, createKioskAuth(kiosk), 'device.key.restore', who.account, who.approver);
      kiosk.log.append('device.key.restored', {
        keyId: placed.keyId, from: path.basename(from), sealedBy: placed.kind, by: placed.by, location: placed.file,
        account: personEntry(people.account), approver: people.approver ? personEntry(people.approver) : null,
      });
    } catch (e) {
      // Not two accepted people, or not logged: the key goes again.
      kiosk?.close();
      kiosk = null;
      shredFile(placed.file);
      throw e;
    } finally {
      kiosk?.close();
    }
    out.result({ keyId: placed.keyId, sealedBy: placed.kind, by: placed.by, location: placed.file }, () => `device key ${placed.keyId} put back from ${from}, sealed by ${placed.kind} (${placed.by}) at ${placed.file}`);
    return 0;
  } catch (e) {
    return commandFailure(e, out);
  }
}
