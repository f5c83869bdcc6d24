// Every PL-3 field of an imported recording is stored as the carrier gave it,
// and shown in the regulation's forms.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkMetadata, parseRecordingsJson } from '../../../app/core/crp';
import { copyOfDemo } from '../../helpers/demo';
import { KioskDir } from '../../helpers/kiosk-dir';
import { REPO } from '../../helpers/paths';

let k: KioskDir;
beforeAll(() => {
  k = new KioskDir();
  expect(k.ctl(['import', copyOfDemo('pl')]).code).toBe(0);
});

interface Rec {
  identifier: string;
  creator_name: string;
  creator_court: string;
  title: string;
  date: string;
  duration_sec: number;
  grouping: string;
  version: number;
  envelope_sheet: string | null;
}

describe('PL-3 metadata in the catalog', () => {
  it('[PL-3.1] [PL-3.2] [PL-3.3] [PL-3.6] identifier, creator (name and court), title and grouping are stored as given', () => {
    const [r] = k.query<Rec>('SELECT identifier, creator_name, creator_court, title, date, duration_sec, grouping, version, envelope_sheet FROM recordings');
    expect(r).toMatchObject({
      identifier: 'KM12324-20240305-01',
      creator_name: 'Jan Kowalski',
      creator_court: 'Sąd Rejonowy dla Krakowa-Śródmieścia w Krakowie',
      title: 'Opis i oszacowanie nieruchomości',
      grouping: 'KM 123/24',
      version: 0,
    });
  });

  it('[PL-10] the envelope sheet number is recorded as import metadata', () => {
    expect(k.query<Rec>('SELECT envelope_sheet FROM recordings')[0]?.envelope_sheet).toBe('12');
  });

  it('[PL-3.4] [PL-3.5] date and duration are shown in the regulation’s forms', () => {
    const l = k.json<{ recordings: Array<{ date: string; duration: string }> }>(['list']).json.recordings[0]!;
    expect(l.date).toBe('2024-03-0510:15:00');
    expect(l.duration).toMatch(/^\d{2}:\d{2}(:\d{2})?$/);
  });

  it('[PL-3.1] [PL-3.6] [Q-2] a non-alphanumeric identifier and a grouping naming another case are rejected by rule', () => {
    const doc = JSON.parse(fs.readFileSync(path.join(copyOfDemo('pl'), 'KM-123-24', 'recordings.json'), 'utf8')) as { recordings: Array<Record<string, unknown>> };
    doc.recordings[0]!.identifier = '../etc';
    doc.recordings[0]!.grouping = 'KM 999/99';
    const parsed = parseRecordingsJson(Buffer.from(JSON.stringify(doc)));
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(checkMetadata(parsed.doc).problems.map((p) => p.rule).sort()).toEqual(['pl3.grouping.mismatch', 'pl3.identifier.format']);
  });
});

describe('dependencies', () => {
  it('[DC-7] the appliance is built on electron, hls.js, better-sqlite3, usb, drivelist, react, xstate and vitest', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    const all = { ...pkg.dependencies, ...pkg.devDependencies };
    for (const d of ['electron', 'hls.js', 'better-sqlite3', 'usb', 'drivelist', 'react', 'xstate', 'vitest']) expect(all, d).toHaveProperty(d);
    for (const d of ['better-sqlite3', 'usb', 'drivelist', 'xstate', 'hls.js', 'react']) expect(pkg.dependencies, `${d} ships with the app`).toHaveProperty(d);
  });
});
