// Runs one data-changing command against an open kiosk: the same code whether
// kioskctl runs it alone (holding the data directory's lock) or the kiosk
// service runs it for a kioskctl client over the control socket.
import type { Kiosk } from '../kiosk';
import { createKioskAuth, type Auth } from '../auth';
import type { CommandRequest } from './requests';
import type { Out } from './out';
import { importCmd } from './import';
import { fetchCmd } from './fetch';
import { complete, release } from './complete';
import { exportCmd } from './export';
import { purge } from './purge';
import { outboxCmd } from './outbox';
import { logExport } from './log-export';
import { logCheckpoint } from './log';
import { deviceKeyExport, deviceRekey } from './device-key';
import { repairObjects } from '../replica';

const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

/**
 * `auth` is the owner's one Auth (the kiosk service's, shared with the PIN pad,
 * so a wrong secret here counts toward the same lockout); kioskctl under the
 * lock makes its own over the same accounts.
 */
export async function runCommand(kiosk: Kiosk, req: CommandRequest, out: Out, auth: Auth = createKioskAuth(kiosk)): Promise<number> {
  switch (req.command) {
    case 'import':
      return importCmd(kiosk, req.target, { operator: req.operator }, out);
    case 'fetch': {
      const { command: _c, ...o } = req;
      return fetchCmd(kiosk, auth, o, out);
    }
    case 'complete': {
      const { command: _c, ...o } = req;
      return complete(kiosk, auth, defined(o), out);
    }
    case 'release': {
      const { command: _c, ...o } = req;
      return release(kiosk, auth, o, out);
    }
    case 'export': {
      const { command: _c, ...o } = req;
      return exportCmd(kiosk, auth, defined(o), out);
    }
    case 'purge': {
      const { command: _c, ...o } = req;
      return purge(kiosk, auth, defined(o), out);
    }
    case 'device.key.export': {
      const { command: _c, ...o } = req;
      return deviceKeyExport(kiosk, auth, o, out);
    }
    case 'device.rekey': {
      const { command: _c, ...o } = req;
      return deviceRekey(kiosk, auth, o, out);
    }
    case 'outbox.deliver': {
      const { command: _c, ...o } = req;
      return outboxCmd(kiosk, { deliver: true, ...o }, out);
    }
    case 'log.export': {
      const { command: _c, ...o } = req;
      return logExport(kiosk, defined(o), out);
    }
    case 'log.checkpoint':
      return logCheckpoint(kiosk, out);
    case 'replica.repair': {
      const repairs = await repairObjects(kiosk, req.objects, 'verify');
      out.result({ repairs }, () =>
        repairs.map((r) => (r.ok ? `REPAIRED ${r.recording ?? r.objectId}: the ${r.to} copy of ${r.objectId} restored from the ${r.from}` : `FAILED   ${r.recording ?? r.objectId}: ${r.problem}`)).join('\n'),
      );
      return repairs.every((r) => r.ok) ? 0 : 1;
    }
    case 'integrity.record':
      for (const e of req.events) kiosk.integrityEvent(e.subject, e.recordingId, e.reason, e.context);
      return 0;
    default: {
      const never: never = req;
      throw new Error(`unknown command ${JSON.stringify(never)}`);
    }
  }
}
