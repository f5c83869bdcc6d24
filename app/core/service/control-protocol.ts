// The kiosk service's control socket speaks newline-delimited JSON. A client
// sends one request line; the service answers with output lines, exactly the
// calls the command made on its Out, and a last `exit` line. Parsed with zod on
// both sides: each end is a boundary to the other.
import { z } from 'zod';
import { CommandRequestSchema } from '../commands/requests';

export const ClientMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('run'), request: CommandRequestSchema, json: z.boolean(), progress: z.boolean() }).strict(),
  z.object({ type: z.literal('status') }).strict(),
]);
export type ClientMessage = z.infer<typeof ClientMessageSchema>;

const ProblemSchema = z.object({ file: z.string(), rule: z.string(), message: z.string(), field: z.string().optional() });

export const StatusSchema = z.object({
  pid: z.number(),
  since: z.string(),
  version: z.string(),
  what: z.string(),
  sessions: z.object({ open: z.number() }),
  jobs: z.object({ running: z.number(), queued: z.number() }),
  unhandledRejections: z.number(),
  /** The viewing log against its witnesses: an integrity alarm refuses sessions. */
  witness: z.object({ alarm: z.string().nullable(), checking: z.boolean() }).optional(),
  /** How the device key is sealed; a warning when the machine does not seal it. */
  key: z.object({ sealedBy: z.string(), by: z.string(), location: z.string(), warning: z.string().nullable() }).optional(),
  /** The second copy (PL-5.1); null when kiosk-config names none. */
  replica: z
    .object({
      path: z.string(),
      required: z.boolean(),
      state: z.enum(['in-sync', 'backlog', 'unreachable']),
      backlogObjects: z.number().nullable(),
      catalogBehind: z.boolean(),
      repaired: z.number(),
      problem: z.string().nullable(),
      lastSyncAt: z.string().nullable(),
    })
    .nullable()
    .optional(),
});
export type ServiceStatus = z.infer<typeof StatusSchema>;

const ProgressSchema = z.object({
  package: z.string(),
  file: z.string(),
  bytesDone: z.number(),
  bytesTotal: z.number(),
  filesDone: z.number(),
  filesTotal: z.number(),
  rateBytesPerSec: z.number(),
  etaSec: z.number().nullable(),
});

export const ServerMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('stdout'), text: z.string() }),
  z.object({ type: z.literal('stderr'), text: z.string() }),
  z.object({ type: z.literal('problems'), problems: z.array(ProblemSchema) }),
  z.object({ type: z.literal('progress'), progress: ProgressSchema }),
  z.object({ type: z.literal('exit'), code: z.number().int() }),
  z.object({ type: z.literal('status'), status: StatusSchema }),
]);
export type ServerMessage = z.infer<typeof ServerMessageSchema>;

export const controlSocketPath = (root: string): string => `${root}/control.sock`;
