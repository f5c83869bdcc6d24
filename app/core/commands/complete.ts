// `kioskctl complete REF --version N [--identifier X] [--date D] [--duration T] [--case SIG] --account ID`
// and `kioskctl release REF --version N --rule RULE --note TEXT --account ID`:
// a held record's reasons resolved by a clerk or an administrator, who proves
// who they are (PL-4.1, UA-5). Both print what is still open, in words.
import type { Auth } from '../auth';
import { completeRecording, releaseHold, type CompletionInput, type CompletionResult, type ReleaseInput } from '../completion';
import type { Kiosk } from '../kiosk';
import { EXIT_OK } from './exit-codes';
import type { Out } from './out';
import { authenticatePeople, personLabel, type Credential } from './people';

export async function complete(kiosk: Kiosk, auth: Auth, input: Omit<CompletionInput, 'by'> & { readonly account: Credential | null }, out: Out): Promise<number> {
  const { account: credential, ...fields } = input;
  const { account } = await authenticatePeople(kiosk, auth, 'complete', credential, null);
  const r = completeRecording(kiosk, { ...fields, by: account });
  printResolution(r, input.ref, `recorded as completed by ${personLabel(account)}`, out);
  return EXIT_OK;
}

export async function release(kiosk: Kiosk, auth: Auth, input: Omit<ReleaseInput, 'by'> & { readonly account: Credential | null }, out: Out): Promise<number> {
  const { account: credential, ...fields } = input;
  const { account } = await authenticatePeople(kiosk, auth, 'release', credential, null);
  const r = releaseHold(kiosk, { ...fields, by: account });
  printResolution(r, input.ref, `released by ${personLabel(account)}`, out);
  return EXIT_OK;
}

function printResolution(r: CompletionResult, ref: string, by: string, out: Out): void {
  out.result(r, () =>
    [
      ...r.completed.map((c) => `${c.field}: ${c.old ?? '(none)'} -> ${c.new}`),
      ...r.resolved.map((h) => `resolved: ${h.words}`),
      ...r.holds.map((h) => `still open: ${h.words} [${h.rule}]`),
      `${r.identifier ?? ref} v${r.version}: ${r.status}; ${by}`,
    ].join('\n'),
  );
}
