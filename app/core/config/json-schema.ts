// The configuration schema as JSON Schema, for editors and court IT tooling.
import { z } from 'zod';
import { kioskConfigSchema } from './schema';

export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(kioskConfigSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
