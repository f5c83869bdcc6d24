// The TIS recordings listing (FORMATS.md §2), parsed once at the boundary.
// Objects are loose: unknown fields are kept for administrators, never
// rejected (FORMATS.md §1, "Unknown fields are kept").
import { z } from 'zod';

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/i, 'a SHA-256 as 64 hex digits');
const size = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const href = z.string().min(1);

/**
 * A part is downloadable only when `ready`; a `processing` part (UA-1) may not
 * know its size or hash yet, so those are optional there.
 */
export const tisPartSchema = z.discriminatedUnion('status', [
  z.looseObject({ status: z.literal('ready'), name: z.string().min(1), size, sha256: sha256Hex, href }),
  z.looseObject({
    status: z.literal('processing'),
    name: z.string().min(1),
    size: size.nullable().optional(),
    sha256: sha256Hex.nullable().optional(),
    href,
  }),
]);

/** A detached signature may be given as its own downloadable object or (loosely) as a bare href. */
export const tisSignatureRefSchema = z.union([
  z.looseObject({ href, sha256: sha256Hex, size }),
  href,
]);

export const tisAttachmentSchema = z.looseObject({
  href,
  sha256: sha256Hex,
  size,
  kind: z.string().optional(),
  title: z.string().optional(),
  signature: tisSignatureRefSchema.nullable().optional(),
});

export const tisCaseSchema = z.looseObject({
  jurisdiction: z.string().min(1),
  signature: z.string().min(1),
  court: z.string().nullable().optional(),
  caseNumber: z.string().nullable().optional(),
  proceedingsNumber: z.string().nullable().optional(),
});

export const tisRecordingSchema = z.looseObject({
  // May be null or missing when the device did not record them (PL-4.1).
  identifier: z.string().nullable().optional(),
  creator: z.looseObject({ name: z.string().nullable().optional(), court: z.string().nullable().optional() }).nullable().optional(),
  title: z.string().nullable().optional(),
  date: z.string().nullable().optional(),
  duration: z.string().nullable().optional(),
  grouping: z.string().nullable().optional(),
  version: z.number().int().nonnegative().default(0),
  supersedes: z.unknown().optional(),
  parts: z.array(tisPartSchema).min(1),
  annotations: z.array(z.looseObject({ at: z.string(), text: z.string() })).optional(),
  attachments: z.array(tisAttachmentSchema).default([]),
  envelopeSheet: z.unknown().optional(),
});

export const tisListingSchema = z.looseObject({
  case: tisCaseSchema,
  recordings: z.array(tisRecordingSchema),
});

export type TisPart = z.infer<typeof tisPartSchema>;
export type TisAttachment = z.infer<typeof tisAttachmentSchema>;
export type TisRecording = z.infer<typeof tisRecordingSchema>;
export type TisListing = z.infer<typeof tisListingSchema>;

export const viewingReportAckSchema = z.looseObject({ id: z.string().min(1) });
