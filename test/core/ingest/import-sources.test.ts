// kiosk-config's importSources is obeyed: a source it does not list imports
// nothing, and the refusal names the key (acceptance 5 of the administration issue).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Problem } from '../../../app/shared/problem';
import { DEMO_CARRIER, copyOfDemo } from '../../helpers/demo';
import { KioskDir } from '../../helpers/kiosk-dir';
import { scratch } from '../../helpers/paths';

function plainFolder(): string {
  const dir = scratch('plain-');
  fs.copyFileSync(path.join(DEMO_CARRIER, 'KM-45-25', 'data', 'KM4525-20250114-02-v0.mp4'), path.join(dir, 'cam.mp4'));
  fs.writeFileSync(path.join(dir, 'SHA256SUMS'), execFileSync('sha256sum', ['cam.mp4'], { cwd: dir }));
  return dir;
}

type Doc = { imported: unknown[]; problems: Problem[]; error?: { problems: Problem[] } };

describe('importSources in kiosk-config', () => {
  it('[DC-3] [PL-4.1] a kiosk that allows only carriers refuses a plain folder and a TIS fetch, naming importSources; a carrier still imports', () => {
    const k = new KioskDir().provision({ importSources: ['carrier'] });

    const plain = k.json<Doc>(['import', plainFolder()]);
    expect(plain.code).toBe(1);
    expect(plain.json.imported).toEqual([]);
    expect(plain.json.problems).toEqual([expect.objectContaining({ rule: 'config.import-source.refused', field: 'importSources' })]);
    expect(plain.json.problems[0]!.message).toContain('"plain-folder"');
    expect(k.ctl(['import', plainFolder()]).stdout).toContain('importSources');

    // Refused before any TIS flag is read: these files need not exist.
    const tis = ['--tis', 'https://127.0.0.1:9/', '--ca', '/nonexistent/ca', '--cert', '/nonexistent/c', '--key', '/nonexistent/k'];
    const fetched = k.json<Doc>(['fetch', '--case', 'KM 123/24', ...tis]);
    expect(fetched.code).toBe(1);
    expect(fetched.json.error?.problems).toEqual([expect.objectContaining({ rule: 'config.import-source.refused', field: 'importSources' })]);
    expect(fetched.stderr).toContain('importSources');
    expect(fetched.stderr).toContain('"tis"');
    expect(k.query('SELECT count(*) AS n FROM recordings')).toEqual([{ n: 0 }]);
    expect(k.objectFiles()).toEqual([]);

    const carrier = k.json<Doc>(['import', copyOfDemo('pl')]);
    expect(carrier.code, carrier.stderr).toBe(0);
    expect(carrier.json.imported.length).toBeGreaterThan(0);
  });

  it('[DC-3] a kiosk that allows only plain folders refuses a crp/1 package on a carrier', () => {
    const k = new KioskDir().provision({ importSources: ['plain-folder'] });
    const r = k.json<Doc>(['import', copyOfDemo('pl')]);
    expect(r.code).toBe(1);
    expect(r.json.problems).toEqual([expect.objectContaining({ rule: 'config.import-source.refused', field: 'importSources', file: 'KM-123-24' })]);
    expect(k.json<Doc>(['import', plainFolder()]).code).toBe(0);
  });
});
