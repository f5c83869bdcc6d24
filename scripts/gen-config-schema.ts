// Writes kiosk-config/kiosk-config.schema.json from the zod schema, so editors
// validate the example files; a test keeps the file in step with the code.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { configJsonSchema } from '../app/core/config/json-schema';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'docs', 'kiosk-config.schema.json');
fs.writeFileSync(out, JSON.stringify(configJsonSchema(), null, 2) + '\n');
console.log(`wrote ${path.relative(root, out)}`);
