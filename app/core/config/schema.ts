// The kiosk configuration schema (kiosk-config/*.json). Parsed once at the
// boundary; unknown keys are errors so a typo never silently falls back to a
// default on a court device. Documented field by field in docs/configuration.md.
import { z } from 'zod';
import { LANGUAGES } from '../../shared/i18n/languages';
import { parsePinHash } from '../auth/pin-hash';
import { hashPolicyProblem } from '../auth/policy';
import { DEFAULT_RESERVE_BYTES } from '../space/reserve';

const language = z.enum(LANGUAGES);

const account = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]{1,63}$/, 'lower-case letters, digits, ".", "_" or "-", 2-64 characters'),
    name: z.string().min(1).max(200),
    role: z.enum(['clerk', 'admin']),
    /** `$scrypt$ln=17,r=8,p=1,policy=clerk-6$salt$hash` as printed by `kioskctl pin-hash`; never a PIN in clear. */
    pinHash: z.string().refine((h) => parsePinHash(h) !== null, 'a scrypt hash made by `kioskctl pin-hash` ($scrypt$ln=…,r=…,p=…$salt$hash)'),
  })
  // Clerk PINs of at least 6 digits, admin passwords of at least 10 characters:
  // the hash must record that it was made under that policy (auth/policy.ts).
  .superRefine((a, ctx) => {
    const p = hashPolicyProblem(a.role, a.pinHash);
    if (p) ctx.addIssue({ code: 'custom', path: ['pinHash'], message: p.message, params: { rule: p.rule } });
  });

const tis = z.strictObject({
  baseUrl: z.url({ protocol: /^https$/ }),
  caFile: z.string().min(1),
  certFile: z.string().min(1),
  keyFile: z.string().min(1),
  timeoutMs: z.int().min(1000).max(600_000).default(30_000),
});

const signer = z.strictObject({
  name: z.string().min(1),
  certFile: z.string().min(1),
});

const trustedDevice = z.strictObject({
  id: z.string().min(1),
  publicKeyFile: z.string().min(1),
});

export const kioskConfigSchema = z
  .strictObject({
    $schema: z.string().optional(),
    device: z.strictObject({
      id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$/, 'letters, digits, ".", "_" or "-", 2-64 characters'),
      name: z.string().min(1).max(200),
    }),
    deployment: z.enum(['court-kiosk', 'bailiff-presentation', 'clerk-station']),
    organisation: z.strictObject({
      kind: z.enum(['court', 'bailiff-office']),
      name: z.string().min(1).max(300),
    }),
    jurisdiction: z.enum(['PL', 'UA']),
    languages: z
      .strictObject({
        default: language,
        offered: z.array(language).min(1),
      })
      .refine((l) => l.offered.includes(l.default), { message: 'default must be one of offered', path: ['default'] }),
    limits: z
      .strictObject({
        idleWarningSec: z.int().min(10).max(3600).default(120),
        idleTimeoutSec: z.int().min(20).max(7200).default(300),
        maxSessionMin: z.int().min(1).max(600).default(60),
      })
      .refine((l) => l.idleWarningSec < l.idleTimeoutSec, {
        message: 'idleWarningSec must be less than idleTimeoutSec',
        path: ['idleWarningSec'],
      })
      .default({ idleWarningSec: 120, idleTimeoutSec: 300, maxSessionMin: 60 }),
    storage: z
      .strictObject({
        /** Free space kept on the data directory's disk: below it sessions are refused, and an import must leave it free. */
        reserveBytes: z.int().min(0).max(Number.MAX_SAFE_INTEGER).default(DEFAULT_RESERVE_BYTES),
        /**
         * Where the device key is kept, sealed by the machine: outside the data directory, so a copy of
         * that holds no key (PL-5.1). Relative to this file; default: the data directory's sibling `<data dir>-keys`.
         */
        keyDir: z.string().min(1).optional(),
      })
      .default({ reserveBytes: DEFAULT_RESERVE_BYTES }),
    /**
     * The second copy on separate storage (PL-5.1): another disk, partition or network mount. `required`:
     * an import reports success only once it is on both; otherwise the service catches up and shows the backlog.
     * `scrubDays`: how often the service re-reads both copies and repairs one from the other (0: never).
     */
    replica: z
      .strictObject({
        path: z.string().min(1),
        required: z.boolean().default(true),
        scrubDays: z.number().min(0).max(365).default(7),
        /** The scrub reads at most this many MB/s from each store, so it never starves playback. */
        scrubMBps: z.int().min(1).max(10_000).default(50),
      })
      .nullable()
      .default(null),
    importSources: z
      .array(z.enum(['carrier', 'plain-folder', 'tis']))
      .default(['carrier']),
    tis: tis.nullable().default(null),
    trustedSigners: z.array(signer).default([]),
    // Offline certificate revocation lists of the certifying authorities above (UA-4: a КЕП whose
    // issuer has no current list here is reported as "revocation status unknown", never as good).
    revocationLists: z.array(z.strictObject({ name: z.string().min(1), crlFile: z.string().min(1) })).default([]),
    trustedDevices: z.array(trustedDevice).default([]),
    allowUnsignedProtocols: z.boolean().default(false),
    watermark: z.boolean().default(true),
    accounts: z.array(account).default([]),
  })
  .refine((c) => !c.importSources.includes('tis') || c.tis !== null, {
    message: 'importSources includes "tis" but no tis endpoint is configured',
    path: ['tis'],
  });

export type KioskConfig = z.infer<typeof kioskConfigSchema>;
export type Account = z.infer<typeof account>;
