// kioskctl's two helps say the same: the global list (`kioskctl --help`) and
// each command's own (`kioskctl <command> --help`). The per-command help had
// gone on telling court IT to pass --operator NAME to export, purge, fetch
// and complete, a flag that --account ID replaced and that those commands now
// refuse; release and verify-report had no help of their own.
import { describe, expect, it } from 'vitest';
import { COMMANDS, HELP } from '../../app/cli/help';
import { kioskctl } from '../helpers/kioskctl';

const squash = (s: string): string => s.trim().replace(/\s+/g, ' ');

/** The usage lines of the global help's command list: its first column (descriptions start at column 34). */
function globalUsageLines(): string[] {
  const section = HELP.slice(HELP.indexOf('Commands:\n') + 'Commands:\n'.length, HELP.indexOf('\n\nWho acts'));
  const lines: string[] = [];
  for (const line of section.split('\n')) {
    const indent = line.length - line.trimStart().length;
    if (indent >= 34 || line.trim() === '') continue;
    lines.push(squash(line.trim().split(/\s{2,}/)[0]!));
  }
  return lines;
}

describe('kioskctl help', () => {
  it('[defect 10] every usage line of the global help is some command’s own, and every command’s own is in the global help', () => {
    const global = globalUsageLines();
    const own = Object.values(COMMANDS).flatMap((c) => c.usage.map(squash));
    expect(global.length).toBeGreaterThan(25);
    expect([...own].sort()).toEqual([...global].sort());
    // Each line is under its own command: a command's help shows nothing of another's.
    for (const [name, c] of Object.entries(COMMANDS)) {
      expect(squash(c.usage[0]!).startsWith(`${name} `) || squash(c.usage[0]!) === name).toBe(true);
    }
  });

  it('[Q-4] [defect 10] export --help names --account, --approver and --secret-stdin, never the retired --operator, in each language', () => {
    const words = { en: 'Usage', pl: 'Użycie', uk: 'Використання' };
    for (const [lang, usage] of Object.entries(words)) {
      const r = kioskctl(['export', '--help', '--lang', lang]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(usage);
      expect(r.stdout).toContain('--account ID --approver ID');
      expect(r.stdout).toContain('--secret-stdin');
      expect(r.stdout).not.toContain('--operator');
    }
    // A command that records no one has no such note.
    expect(kioskctl(['list', '--help', '--lang', 'en']).stdout).not.toContain('--secret-stdin');
  });

  it('[defect 10] release and verify-report print their own help, not the global list', () => {
    for (const [cmd, line] of [
      ['release', 'kioskctl release REF --version N --rule RULE --note TEXT --account ID'],
      ['verify-report', 'kioskctl verify-report FILE [--pubkey PEM] [--checkpoint NOTE]'],
    ] as const) {
      const r = kioskctl([cmd, '--help', '--lang', 'en']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(line);
      expect(r.stdout).not.toContain('demo-carrier');
    }
  });
});
