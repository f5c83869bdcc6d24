// `kioskctl export --case SIG [--identifier ID [--version N]] --to DIR
//  --purpose supervisory|transfer|backup --recipient TEXT --account ID --approver ID
//  [--envelope-sheet N] [--only-version] [--lang pl|uk|en] [--json]`:
// court IT's way to write a verified, signed crp/1 copy to a carrier (PL-9, PL-5.2, PL-2.2).
// An administrator and a second, different person each prove who they are,
// as on the screen; the package and the receipt name both.
import { exportCase, EXPORT_PURPOSES, type ExportPurpose } from '../export';
import type { Auth } from '../auth';
import type { Kiosk } from '../kiosk';
import { authenticatePeople, personLabel, type Credential } from './people';
import { isLanguage } from '../../shared/i18n/languages';
import { EXIT_OK, UsageError } from './exit-codes';
import type { Out } from './out';

export interface ExportCmdOptions {
  readonly case: string;
  readonly identifier?: string;
  readonly version?: string;
  readonly to: string;
  readonly purpose: string;
  readonly recipient: string;
  readonly account: Credential | null;
  readonly approver: Credential | null;
  readonly envelopeSheet?: string;
  readonly onlyVersion: boolean;
  readonly lang?: string;
}

export const EXPORT_USAGE =
  'usage: kioskctl export --case SIG [--identifier ID [--version N]] --to DIR --purpose supervisory|transfer|backup --recipient TEXT --account ID --approver ID [--secret-stdin] [--envelope-sheet N]';

/** The export's options from the command line; `operator` and `approvedBy` come from the authenticated accounts. */
export function parseExportOptions(o: Omit<ExportCmdOptions, 'account' | 'approver'>): Omit<Parameters<typeof exportCase>[1], 'operator'> {
  if (!(EXPORT_PURPOSES as readonly string[]).includes(o.purpose)) throw new UsageError(`--purpose must be one of ${EXPORT_PURPOSES.join(', ')}`);
  let version: number | undefined;
  if (o.version !== undefined) {
    if (o.identifier === undefined) throw new UsageError('--version needs --identifier');
    version = Number(o.version);
    if (!/^\d+$/.test(o.version) || !Number.isSafeInteger(version)) throw new UsageError('--version N: a natural number');
  }
  if (o.lang !== undefined && !isLanguage(o.lang)) throw new UsageError('--lang must be pl, uk or en');
  if (!o.recipient.trim()) throw new UsageError('--recipient TEXT must not be empty');
  if (o.envelopeSheet !== undefined && !/^\d{1,6}$/.test(o.envelopeSheet.trim())) throw new UsageError('--envelope-sheet N: a sheet number');
  return {
    caseSignature: o.case,
    to: o.to,
    purpose: o.purpose as ExportPurpose,
    recipient: o.recipient,
    ...(o.identifier !== undefined ? { identifier: o.identifier } : {}),
    ...(version !== undefined ? { version } : {}),
    ...(o.onlyVersion ? { withChain: false } : {}),
    ...(o.envelopeSheet !== undefined ? { envelopeSheet: o.envelopeSheet.trim() } : {}),
    ...(o.lang !== undefined && isLanguage(o.lang) ? { lang: o.lang } : {}),
  };
}

export async function exportCmd(kiosk: Kiosk, auth: Auth, o: ExportCmdOptions, out: Out): Promise<number> {
  const parsed = parseExportOptions(o);
  const people = await authenticatePeople(kiosk, auth, 'export', o.account, o.approver);
  const approvedBy = [people.account, ...(people.approver ? [people.approver] : [])].map(personLabel);
  const opts = { ...parsed, operator: personLabel(people.account), approvedBy };
  const bar = out.progress?.bind(out);
  const r = await exportCase(kiosk, opts, bar ? (p) => bar({ ...p, package: 'export', file: p.file ?? '' }) : undefined);
  const doc = {
    package: r.package,
    recordings: r.recordings.map((x) => ({ identifier: x.identifier, version: x.version, sha256: x.sha256 })),
    bytes: r.bytes,
    signature: r.signature,
    packageSha256: r.packageSha256,
    receipt: r.receipt,
  };
  out.result(doc, () =>
    [
      `exported to ${r.package} (${r.bytes} bytes)`,
      ...r.recordings.map((x) => `  ${x.identifier ?? '(incomplete)'} v${x.version}  sha256 ${x.sha256}`),
      `signature: ${r.signature}`,
      `receipt: ${r.receipt.html}, ${r.receipt.pdf}`,
    ].join('\n'),
  );
  return EXIT_OK;
}
