// `kioskctl verify-report FILE [--pubkey PEM] [--checkpoint NOTE] [--json]`:
// checks a viewing report or an export receipt offline, with no data
// directory and no network: the same checks as the standalone verifier page
// (app/shared/report-check). Exit 0 valid, 1 not, 2 when a file cannot be read.
import fs from 'node:fs';
import { KioskError } from '../../core/errors';
import { EXIT_FAILED, EXIT_OK } from '../../core/commands/exit-codes';
import { verificationText, verifyReportDocument } from '../../shared/report-check';
import type { Out } from '../output';

function read(what: string, file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new KioskError('environment', `${what}: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

export async function verifyReport(file: string, opts: { pubkey?: string | undefined; checkpoint?: string | undefined }, out: Out): Promise<number> {
  const text = read('report', file);
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    document = null;
  }
  const v = await verifyReportDocument({
    document,
    publicKeyPem: opts.pubkey === undefined ? undefined : read('--pubkey', opts.pubkey),
    checkpoint: opts.checkpoint === undefined ? undefined : read('--checkpoint', opts.checkpoint),
  });
  out.result({ file, ...v }, () => `${file}\n${verificationText('en', v)}`);
  return v.ok ? EXIT_OK : EXIT_FAILED;
}
