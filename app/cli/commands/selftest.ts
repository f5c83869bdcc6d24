// `kioskctl selftest [--json]`: exit 0 only when every step passed.
import { runSelftest } from '../../core/selftest/selftest';
import type { KioskConfig } from '../../core/config';
import { EXIT_FAILED, EXIT_OK } from '../../core/commands/exit-codes';
import type { Out } from '../output';

export async function selftest(config: KioskConfig, configFile: string, out: Out): Promise<number> {
  const r = await runSelftest({ config, configFile, ...(process.env.KIOSK_DEMO_CARRIER ? { demoCarrier: process.env.KIOSK_DEMO_CARRIER } : {}) });
  out.result(r, () => [...r.steps.map((s) => `${s.ok ? 'ok    ' : 'FAILED'} ${s.name}: ${s.detail}`), r.ok ? 'selftest: passed' : 'selftest: FAILED'].join('\n'));
  return r.ok ? EXIT_OK : EXIT_FAILED;
}
