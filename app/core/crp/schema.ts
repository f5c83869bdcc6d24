// recordings.json of the crp/1 profile (FORMATS.md §1), parsed at the boundary.
// Structure is checked here; the regulation's formats (PL-3.4, PL-3.5, UA-5…)
// are checked in metadata-rules.ts so that each gets its own named rule.
// Unknown fields are kept (looseObject) and shown to administrators.
import { z } from 'zod';

const nullableString = z.string().nullable();

export const partSchema = z.looseObject({ path: z.string().min(1) });

export const annotationSchema = z.looseObject({
  at: z.string(),
  text: z.string().max(10_000),
});

export const attachmentSchema = z.looseObject({
  path: z.string().min(1),
  kind: z.string().min(1),
  title: nullableString.optional(),
  signature: nullableString.optional(),
});

export const recordingSchema = z.looseObject({
  identifier: nullableString,
  creator: z.looseObject({ name: nullableString, court: nullableString }),
  title: nullableString,
  date: nullableString,
  duration: nullableString,
  grouping: nullableString,
  version: z.int().min(0),
  supersedes: z.looseObject({ identifier: z.string().min(1), version: z.int().min(0) }).nullable(),
  parts: z.array(partSchema).min(1),
  annotations: z.array(annotationSchema).default([]),
  attachments: z.array(attachmentSchema).default([]),
  envelopeSheet: z.union([z.string(), z.int()]).nullable().default(null),
});

export const caseSchema = z.looseObject({
  jurisdiction: z.enum(['PL', 'UA']),
  signature: z.string().min(1).max(200),
  court: nullableString,
  caseNumber: nullableString.default(null),
  proceedingsNumber: nullableString.default(null),
});

export const recordingsFileSchema = z.looseObject({
  profile: z.literal('crp/1'),
  case: caseSchema,
  recordings: z.array(recordingSchema).min(1).max(1000),
});

export type RecordingsFile = z.infer<typeof recordingsFileSchema>;
export type CrpRecording = z.infer<typeof recordingSchema>;
export type CrpCase = z.infer<typeof caseSchema>;
export type CrpAttachment = z.infer<typeof attachmentSchema>;

/** Known keys, so unknown ones can be listed for administrators. */
export const KNOWN_RECORDING_KEYS = new Set(Object.keys(recordingSchema.shape));
export const KNOWN_CASE_KEYS = new Set(Object.keys(caseSchema.shape));
