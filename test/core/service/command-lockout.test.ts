// Wrong secrets given to kioskctl count toward the same lockout as the PIN
// pad: the kiosk service runs the command with its one Auth (acceptance 4 of
// the administration issue, "People, not names").
import path from 'node:path';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../app/core/config';
import { MAX_FAILURES } from '../../../app/core/auth';
import { connectService, runInService, startKioskService } from '../../../app/core/service';
import { REPO, scratch } from '../../helpers/paths';
import { SECRETS, TEST_ACCOUNTS } from '../../helpers/accounts';

describe('one lockout for kioskctl and the PIN pad', () => {
  it('[DC-1] [PL-4.1] a clerk locked out by wrong secrets given to kioskctl cannot sign in at the PIN pad with the right PIN', async () => {
    const dataDir = scratch('kiosk-lockout-');
    const base = JSON.parse(fs.readFileSync(path.join(REPO, 'kiosk-config', 'court-kiosk-pl.json'), 'utf8')) as Record<string, unknown>;
    delete base.$schema;
    const configFile = path.join(dataDir, 'config.json');
    fs.writeFileSync(configFile, JSON.stringify({ ...base, accounts: TEST_ACCOUNTS }));
    const service = await startKioskService({ dataDir, config: loadConfig(configFile), configFile, what: 'test', note: () => undefined });
    try {
      const quiet = { stdout: () => undefined, stderr: () => undefined };
      for (let i = 0; i < MAX_FAILURES; i++) {
        const sock = await connectService(dataDir);
        expect(sock).not.toBeNull();
        const code = await runInService(sock!, { command: 'complete', ref: 'X', version: 0, date: '2026-01-05 10:00:00', account: { accountId: 'ewa-clerk', secret: '0000' } }, true, quiet);
        expect(code).toBe(1);
      }
      expect(service.auth.lockedFor('ewa-clerk')).toBeGreaterThan(0);
      service.session.send({ type: 'clerk.begin' });
      await service.session.settled();
      service.session.send({ type: 'clerk.pin', accountId: 'ewa-clerk', pin: SECRETS['ewa-clerk'] });
      await service.session.settled();
      expect(service.session.getSnapshot()).toMatchObject({ screen: 'authenticating', auth: { status: 'locked' } });
    } finally {
      await service.close();
    }
  });
});
