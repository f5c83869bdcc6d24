import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkConfigFile, parseConfig, checkReferencedFiles, loadConfig } from '../../../app/core/config';
import { hashPin, makeAccountPinHash } from '../../../app/core/auth';
import { KioskError } from '../../../app/core/errors';
import { REPO, scratch } from '../../helpers/paths';

const examples = fs.readdirSync(path.join(REPO, 'kiosk-config')).filter((f) => f.endsWith('.json') && !f.endsWith('.schema.json'));
const base = JSON.parse(fs.readFileSync(path.join(REPO, 'kiosk-config', 'court-kiosk-pl.json'), 'utf8')) as Record<string, unknown>;

describe('kiosk configuration', () => {
  it('[DC-8] ships examples for a PL court kiosk, a PL bailiff office screen and a UA court', () => {
    expect(examples.sort()).toEqual(['bailiff-office-pl.json', 'court-kiosk-pl.json', 'court-ua.json']);
  });

  it.each(examples)('accepts the example %s', (f) => {
    const r = checkConfigFile(path.join(REPO, 'kiosk-config', f));
    expect(r.ok ? [] : r.problems).toEqual([]);
  });

  it('[Q-2] rejects an unknown key and names it', () => {
    const r = parseConfig(JSON.stringify({ ...base, device: { id: 'DEV-1', name: 'x', colour: 'red' } }), 'c.json');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems).toContainEqual(expect.objectContaining({ file: 'c.json', rule: 'config.unknown-key', field: 'device.colour' }));
  });

  it('[Q-2] rejects a bad value and names the key', () => {
    const r = parseConfig(JSON.stringify({ ...base, limits: { idleWarningSec: 5, idleTimeoutSec: 300, maxSessionMin: 60 } }), 'c.json');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.map((p) => p.field)).toContain('limits.idleWarningSec');
  });

  it('[Q-4] rejects a default language that is not offered', () => {
    const r = parseConfig(JSON.stringify({ ...base, languages: { default: 'en', offered: ['pl', 'uk'] } }), 'c.json');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.map((p) => p.field)).toContain('languages.default');
  });

  it('[DC-3] refuses TIS as an import source without a TIS endpoint', () => {
    const r = parseConfig(JSON.stringify({ ...base, importSources: ['carrier', 'tis'], tis: null }), 'c.json');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.map((p) => p.field)).toContain('tis');
  });

  it('fills defaults for omitted optional fields', () => {
    const { limits: _l, watermark: _w, accounts: _a, ...rest } = base;
    const r = parseConfig(JSON.stringify(rest), 'c.json');
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.config.watermark).toBe(true);
      expect(r.config.limits).toEqual({ idleWarningSec: 120, idleTimeoutSec: 300, maxSessionMin: 60 });
    }
  });

  it('reports a malformed JSON file by name', () => {
    const dir = scratch();
    const f = path.join(dir, 'broken.json');
    fs.writeFileSync(f, '{ "device": ');
    const r = checkConfigFile(f);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]).toMatchObject({ file: f, rule: 'config.json' });
  });

  it('checks that files the config names exist, relative to the config', () => {
    const dir = scratch();
    fs.writeFileSync(path.join(dir, 'ca.pem'), 'x');
    const f = path.join(dir, 'c.json');
    const cfg = { ...base, tis: { baseUrl: 'https://tis.example/', caFile: 'ca.pem', certFile: 'kiosk.pem', keyFile: 'kiosk.key' } };
    fs.writeFileSync(f, JSON.stringify(cfg));
    const r = checkConfigFile(f);
    expect(r.ok).toBe(true);
    if (r.ok) expect(checkReferencedFiles(f, r.config).map((p) => p.field)).toEqual(['tis.certFile', 'tis.keyFile']);
  });

  it('[PL-8.1] refuses an account whose hash does not record the secret policy for its role, naming auth.pin.policy and the field', async () => {
    const cheap = { ln: 10, r: 8, p: 1 };
    const good = { id: 'ewa', name: 'Ewa', role: 'clerk', pinHash: await makeAccountPinHash('clerk', '135790', cheap) };
    expect(parseConfig(JSON.stringify({ ...base, accounts: [good] }), 'c.json').ok).toBe(true);
    const r = parseConfig(JSON.stringify({ ...base, accounts: [good, { ...good, id: 'jan', pinHash: await hashPin('4711', cheap) }] }), 'c.json');
    expect(r.ok ? [] : r.problems).toEqual([expect.objectContaining({ file: 'c.json', rule: 'auth.pin.policy', field: 'accounts[1].pinHash' })]);
  });

  it('[DC-1] loadConfig refuses a kiosk-config group or others may write, as an environment error naming config.mode; 0644 is fine', () => {
    const f = path.join(scratch(), 'c.json');
    fs.writeFileSync(f, JSON.stringify(base), { mode: 0o644 });
    expect(loadConfig(f).device).toEqual(base.device);
    for (const mode of [0o664, 0o646]) {
      fs.chmodSync(f, mode);
      try {
        loadConfig(f);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(KioskError);
        expect((e as KioskError).code).toBe('environment');
        expect((e as KioskError).problems).toEqual([expect.objectContaining({ file: f, rule: 'config.mode' })]);
      }
    }
  });

  it.runIf(process.getuid?.() === 0)('[DC-1] --files refuses a TIS client key the kiosk\'s user does not own (env.key-file.owner, naming the field)', () => {
    const dir = scratch();
    for (const f of ['ca.pem', 'kiosk.pem', 'kiosk.key']) fs.writeFileSync(path.join(dir, f), 'x', { mode: 0o600 });
    const f = path.join(dir, 'c.json');
    const cfg = { ...base, tis: { baseUrl: 'https://tis.example/', caFile: 'ca.pem', certFile: 'kiosk.pem', keyFile: 'kiosk.key' } };
    fs.writeFileSync(f, JSON.stringify(cfg));
    const r = checkConfigFile(f);
    if (!r.ok) throw new Error('config invalid');
    expect(checkReferencedFiles(f, r.config)).toEqual([]);
    fs.chownSync(path.join(dir, 'kiosk.key'), 65534, 65534);
    expect(checkReferencedFiles(f, r.config)).toEqual([expect.objectContaining({ file: path.join(dir, 'kiosk.key'), rule: 'env.key-file.owner', field: 'tis.keyFile' })]);
  });

  it('keeps docs/configuration.md in step with the schema: every top-level key is documented', () => {
    const doc = fs.readFileSync(path.join(REPO, 'docs', 'configuration.md'), 'utf8');
    for (const key of Object.keys(base).filter((k) => k !== '$schema')) expect(doc).toContain(`\`${key}\``);
  });
});

describe('config JSON Schema', () => {
  it('docs/kiosk-config.schema.json is the schema the code enforces', async () => {
    const { configJsonSchema } = await import('../../../app/core/config/json-schema');
    const onDisk = JSON.parse(fs.readFileSync(path.join(REPO, 'docs', 'kiosk-config.schema.json'), 'utf8')) as unknown;
    expect(onDisk).toEqual(configJsonSchema());
  });
});
