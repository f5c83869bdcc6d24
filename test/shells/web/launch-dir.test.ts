// The appliance's launcher directory (`--launch-dir`, issue 20): the browser
// runs as the display user, who may read the launcher page through the
// directory's group and nothing else of the kiosk's.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LaunchGate } from '../../../app/shells/web/launch';
import { scratch } from '../../helpers/paths';

function launchDir(mode: number): string {
  const dir = path.join(scratch('launch-dir-'), 'court-kiosk-launch');
  fs.mkdirSync(dir);
  fs.chmodSync(dir, mode);
  return dir;
}

describe('the shared launcher directory', () => {
  it('[PL-8.2] [DC-1] the page is launch.html there, 0640 (the display group reads it); a stale page a killed service left is replaced; closing removes the page and keeps the directory', () => {
    const dir = launchDir(0o2750);
    fs.writeFileSync(path.join(dir, 'launch.html'), 'stale');
    const gate = new LaunchGate('http://127.0.0.1:8470', dir, true);
    expect(gate.launch.file).toBe(path.join(dir, 'launch.html'));
    expect(fs.statSync(gate.launch.file).mode & 0o777).toBe(0o640);
    const html = fs.readFileSync(gate.launch.file, 'utf8');
    expect(html).not.toContain('stale');
    const code = /name="code" value="([^"]+)"/.exec(html)![1]!;
    expect(gate.exchange(code)).not.toBeNull();
    expect(fs.existsSync(gate.launch.file)).toBe(false);
    gate.close();
    expect(fs.statSync(dir).isDirectory()).toBe(true);
  });

  it('[PL-8.2] a launcher directory others may write or enter is refused before any code is written', () => {
    for (const mode of [0o2770, 0o2757, 0o755]) {
      const dir = launchDir(mode);
      expect(() => new LaunchGate('http://127.0.0.1:8470', dir, true), mode.toString(8)).toThrow(/launch directory/);
      expect(fs.readdirSync(dir)).toEqual([]);
    }
  });
});
