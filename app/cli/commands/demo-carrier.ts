// `kioskctl demo-carrier DIR`
import { writeDemoCarrier } from '../../core/demo/demo-carrier';
import { EXIT_OK } from '../../core/commands/exit-codes';
import type { Out } from '../output';

export async function demoCarrier(dir: string, out: Out): Promise<number> {
  const c = await writeDemoCarrier(dir);
  out.result({ carrier: c.root, packages: c.packages, signerCert: c.signerCertFile }, () => `demo carrier written to ${c.root}:\n${c.packages.map((p) => `  ${p}`).join('\n')}`);
  return EXIT_OK;
}
