// Loading the configuration: read, parse JSON, validate against the schema,
// and turn every issue into a Problem naming the file and the key.
import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { kioskConfigSchema, type KioskConfig } from './schema';
import { type Problem, problem } from '../../shared/problem';
import { KioskError } from '../errors';
import { configFileProblems, keyFileProblems, refuseUnsafe } from '../file-safety';

export type ConfigResult = { ok: true; config: KioskConfig; file: string } | { ok: false; problems: Problem[] };

function keyPath(p: readonly PropertyKey[]): string {
  return p.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)), '');
}

export function issuesToProblems(file: string, issues: readonly z.core.$ZodIssue[]): Problem[] {
  const out: Problem[] = [];
  for (const issue of issues) {
    const base = keyPath(issue.path);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const field = base ? `${base}.${key}` : key;
        out.push(problem(file, 'config.unknown-key', `unknown key "${field}"`, field));
      }
    } else {
      const field = base || '(root)';
      // A check with a rule of its own (the secret policy's auth.pin.policy) names it; the rest are config.<zod code>.
      const own = issue.code === 'custom' ? (issue.params as { rule?: unknown } | undefined)?.rule : undefined;
      out.push(problem(file, typeof own === 'string' ? own : `config.${issue.code}`, `${field}: ${issue.message}`, field));
    }
  }
  return out;
}

export function parseConfig(text: string, file: string): ConfigResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, problems: [problem(file, 'config.json', `not valid JSON: ${(e as Error).message}`)] };
  }
  const parsed = kioskConfigSchema.safeParse(json);
  if (!parsed.success) return { ok: false, problems: issuesToProblems(file, parsed.error.issues) };
  return { ok: true, config: parsed.data, file };
}

export function checkConfigFile(file: string): ConfigResult {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    return { ok: false, problems: [problem(file, 'config.read', (e as NodeJS.ErrnoException).code ?? 'cannot read')] };
  }
  return parseConfig(text, file);
}

/**
 * Files the config names (TLS material, signer certificates, device keys) are
 * resolved against the config's own folder. Checked on demand (`config check
 * --files`, provisioning) because the example files name paths on a device.
 */
export function checkReferencedFiles(file: string, c: KioskConfig): Problem[] {
  const missing: Problem[] = [];
  const need = (field: string, p: string) => {
    if (!fs.existsSync(configRelative(file, p))) missing.push(problem(file, 'config.file-missing', `${field}: file not found: ${p}`, field));
  };
  if (c.tis) {
    need('tis.caFile', c.tis.caFile);
    need('tis.certFile', c.tis.certFile);
    need('tis.keyFile', c.tis.keyFile);
    // The kiosk's TLS key must be its own (env.key-file.owner).
    missing.push(...keyFileProblems(configRelative(file, c.tis.keyFile)).map((p) => ({ ...p, field: 'tis.keyFile' })));
  }
  c.trustedSigners.forEach((s, i) => need(`trustedSigners[${i}].certFile`, s.certFile));
  c.revocationLists.forEach((l, i) => need(`revocationLists[${i}].crlFile`, l.crlFile));
  c.trustedDevices.forEach((d, i) => need(`trustedDevices[${i}].publicKeyFile`, d.publicKeyFile));
  return missing;
}

/** The configuration a kiosk runs with: refused (exit 2, config.mode) when others may write the file, and when invalid. */
export function loadConfig(file: string): KioskConfig {
  refuseUnsafe(configFileProblems(file));
  const r = checkConfigFile(file);
  if (!r.ok) throw new KioskError('config', `invalid configuration ${file}`, r.problems);
  return r.config;
}

/** Resolve a path named in the config relative to the config file. */
export function configRelative(configFile: string, p: string): string {
  return path.resolve(path.dirname(path.resolve(configFile)), p);
}
