// The commands that change a kiosk's data, as plain JSON requests. kioskctl
// builds one from its argv (paths already absolute), then either sends it to
// the kiosk service that owns the data directory or, with no service running,
// runs it itself under the data directory's lock. The service parses what
// arrives on its socket with the schema below: the socket is a boundary.
import { z } from 'zod';
import { CredentialSchema } from './people';

const str = z.string();
const opt = z.string().optional();
const tis = { tis: opt, ca: opt, cert: opt, key: opt };
// Who acts: an account id and its secret, read by kioskctl from the terminal
// or stdin and checked by the owner's Auth (the socket is 0600 in a 0700 directory).
const person = CredentialSchema.nullable();

export const CommandRequestSchema = z.discriminatedUnion('command', [
  z.object({ command: z.literal('import'), target: str, operator: z.string().nullable() }).strict(),
  z.object({ command: z.literal('fetch'), case: str, account: person, ...tis }).strict(),
  z
    .object({
      command: z.literal('complete'),
      ref: str,
      version: z.number().int().nonnegative(),
      account: person,
      identifier: opt,
      date: opt,
      duration: opt,
      caseSignature: opt,
    })
    .strict(),
  z
    .object({ command: z.literal('release'), ref: str, version: z.number().int().nonnegative(), rule: str, note: str, account: person })
    .strict(),
  z
    .object({
      command: z.literal('export'),
      case: str,
      to: str,
      purpose: str,
      recipient: str,
      account: person,
      approver: person,
      onlyVersion: z.boolean(),
      identifier: opt,
      version: opt,
      envelopeSheet: opt,
      lang: opt,
    })
    .strict(),
  z
    .object({ command: z.literal('purge'), case: str, transferred: str, account: person, approver: person, exportReceipt: opt, reason: opt })
    .strict(),
  // The passphrase travels like the PINs: to the owner only, over the 0600 socket; never logged.
  z.object({ command: z.literal('device.key.export'), to: str, account: person, approver: person, passphrase: z.string().max(1024) }).strict(),
  z.object({ command: z.literal('device.rekey'), account: person, approver: person }).strict(),
  z.object({ command: z.literal('outbox.deliver'), ...tis }).strict(),
  z.object({ command: z.literal('log.export'), case: str, out: str, lang: opt }).strict(),
  z.object({ command: z.literal('log.checkpoint') }).strict(),
  // Copies a read-only `verify` found missing or damaged while the other copy verifies: the owner checks again and restores (PL-5.1).
  z
    .object({
      command: z.literal('replica.repair'),
      objects: z.array(z.object({ objectId: z.string().regex(/^[0-9a-f]{64}-[0-9a-f]{8}$/), from: z.enum(['primary', 'replica']) }).strict()).max(100_000),
    })
    .strict(),
  // What a read-only `verify` found: recorded by the owner (catalog event + log entry).
  z
    .object({
      command: z.literal('integrity.record'),
      events: z.array(z.object({ subject: str, recordingId: z.number().int().nullable(), reason: str, context: str }).strict()).max(10_000),
    })
    .strict(),
]);

export type CommandRequest = z.infer<typeof CommandRequestSchema>;
export type CommandName = CommandRequest['command'];
