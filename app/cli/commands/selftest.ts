// `kioskctl selftest [--json]`: exit 0 only when every step passed.
import { runSelftest } from '../../core/selftest/selftest';
import type { KioskConfig } from '../../core/config';
import { EXIT_FAILED, EXIT_OK } from '../../core/commands/exit-codes';
import type { Out } from '../output';
import { runDeviceSelftest, type DeviceCheckStatus, type DeviceLayoutOptions } from '../../core/selftest/device';
import type { Language } from '../../shared/i18n/languages';
import { translateCli } from '../../shared/i18n/cli-messages';

export async function selftest(config: KioskConfig, configFile: string, out: Out): Promise<number> {
  const r = await runSelftest({ config, configFile, ...(process.env.KIOSK_DEMO_CARRIER ? { demoCarrier: process.env.KIOSK_DEMO_CARRIER } : {}) });
  out.result(r, () => [...r.steps.map((s) => `${s.ok ? 'ok    ' : 'FAILED'} ${s.name}: ${s.detail}`), r.ok ? 'selftest: passed' : 'selftest: FAILED'].join('\n'));
  return r.ok ? EXIT_OK : EXIT_FAILED;
}

/** `kioskctl selftest --device`: a table of the installed appliance's checks; exit 0 when none failed ('not configured' is not a failure). */
export async function selftestDevice(opts: DeviceLayoutOptions, lang: Language, out: Out): Promise<number> {
  const r = await runDeviceSelftest(opts);
  const word = (s: DeviceCheckStatus): string => {
    switch (s) {
      case 'ok':
        return translateCli(lang, 'cli.device.ok');
      case 'failed':
        return translateCli(lang, 'cli.device.failed');
      case 'not-configured':
        return translateCli(lang, 'cli.device.notConfigured');
      default: {
        const never: never = s;
        return never;
      }
    }
  };
  out.result(r, () => {
    const rows = [[translateCli(lang, 'cli.device.check'), translateCli(lang, 'cli.device.status'), translateCli(lang, 'cli.device.detail')], ...r.checks.map((c) => [c.name, word(c.status), c.detail])];
    const w0 = Math.max(...rows.map((x) => x[0]!.length));
    const w1 = Math.max(...rows.map((x) => x[1]!.length));
    const failed = r.checks.filter((c) => c.status === 'failed').map((c) => c.name);
    return [
      ...rows.map((x) => `${x[0]!.padEnd(w0)}  ${x[1]!.padEnd(w1)}  ${x[2]}`),
      r.ok ? translateCli(lang, 'cli.device.passed') : translateCli(lang, 'cli.device.failedSummary', { names: failed.join(', ') }),
    ].join('\n');
  });
  return r.ok ? EXIT_OK : EXIT_FAILED;
}
