// kioskctl's help per command, its argument errors, and the language it
// speaks: --lang when given, else the kiosk's default language from its
// configuration, else English. Flags and command names are the same in every
// language; only the words around them are translated.
import fs from 'node:fs';
import path from 'node:path';
import { isLanguage, type Language } from '../shared/i18n/languages';
import { translateCli, type CliMessageKey } from '../shared/i18n/cli-messages';
import { UsageError } from '../core/commands';
import { resolveDataDir } from '../core/data-dir';
import { EXAMPLE_CONFIG } from './context';

/** Each command's usage lines (as in the global help) and its description. */
export const COMMANDS: Readonly<Record<string, { readonly usage: readonly string[]; readonly desc: CliMessageKey }>> = {
  config: { usage: ['config check FILE [--files]'], desc: 'cli.cmd.config' },
  check: { usage: ['check PATH [--bagit-only]'], desc: 'cli.cmd.check' },
  status: { usage: ['status'], desc: 'cli.cmd.status' },
  import: { usage: ['import PATH [--operator NAME]'], desc: 'cli.cmd.import' },
  complete: { usage: ['complete REF --version N [--identifier X] [--date D] [--duration T] [--case SIG] --operator NAME'], desc: 'cli.cmd.complete' },
  imports: { usage: ['imports'], desc: 'cli.cmd.imports' },
  fetch: { usage: ['fetch --case SIG [--tis URL --ca FILE --cert FILE --key FILE] [--operator NAME]'], desc: 'cli.cmd.fetch' },
  outbox: { usage: ['outbox [--deliver] [--tis URL --ca FILE --cert FILE --key FILE]'], desc: 'cli.cmd.outbox' },
  list: { usage: ['list [--case SIG]'], desc: 'cli.cmd.list' },
  verify: { usage: ['verify [--case SIG]'], desc: 'cli.cmd.verify' },
  purge: { usage: ['purge --case SIG --transferred REF --operator NAME'], desc: 'cli.cmd.purge' },
  export: {
    usage: [
      'export --case SIG [--identifier ID [--version N] [--only-version]] --to DIR',
      '       --purpose supervisory|transfer|backup --recipient TEXT --operator NAME',
      '       [--envelope-sheet N] [--lang pl|uk|en]',
    ],
    desc: 'cli.cmd.export',
  },
  log: { usage: ['log verify [--trusted-checkpoint FILE]', 'log checkpoint', 'log export --case SIG --out DIR [--lang pl|uk|en]'], desc: 'cli.cmd.log' },
  device: { usage: ['device pubkey', 'device key export --to DIR --account ID --approver ID', 'device key restore --from FILE --account ID --approver ID', 'device rekey --account ID --approver ID'], desc: 'cli.cmd.device' },
  'pin-hash': { usage: ['pin-hash --role clerk|admin'], desc: 'cli.cmd.pin-hash' },
  selftest: { usage: ['selftest', 'selftest --device [--root DIR]'], desc: 'cli.cmd.selftest' },
  serve: { usage: ['serve [--port N] [--demo]'], desc: 'cli.cmd.serve' },
  'demo-carrier': { usage: ['demo-carrier DIR'], desc: 'cli.cmd.demo-carrier' },
};

export function isCommand(cmd: string | undefined): cmd is string {
  return cmd !== undefined && Object.hasOwn(COMMANDS, cmd);
}

/** `kioskctl <cmd> --help`: that command's usage and what it does, not the whole list. */
export function commandHelp(cmd: string, lang: Language): string {
  const c = COMMANDS[cmd];
  if (!c) return '';
  const usage = c.usage.map((u) => `  kioskctl ${u}`).join('\n');
  return `${translateCli(lang, 'cli.usage')}:\n${usage}\n\n${translateCli(lang, c.desc)}\n\n${translateCli(lang, 'cli.exitCodes')}\n`;
}

/** A usage error of one command: said in one line, with where to read more (never the whole help). */
export class CommandUsageError extends UsageError {
  constructor(
    message: string,
    readonly command: string | null,
  ) {
    super(message);
  }
}

/** Throws naming every required flag (or argument) that is missing; nothing when all are there. */
export function requireFlags(lang: Language, command: string, given: Readonly<Record<string, unknown>>, flags: readonly string[]): void {
  const missing = flags.filter((f) => given[f] === undefined || given[f] === '');
  if (missing.length > 0) throw new CommandUsageError(translateCli(lang, 'cli.missing', { what: missing.map((f) => `--${f}`).join(', ') }), command);
}

/**
 * The language kioskctl speaks: --lang, else the kiosk's configured default
 * (read without side effects: --config, $KIOSK_CONFIG, the data
 * directory's config.json, or the example a new kiosk runs on), else English.
 */
export function cliLanguage(flags: { readonly lang?: string; readonly config?: string; readonly 'data-dir'?: string }): Language {
  if (isLanguage(flags.lang)) return flags.lang;
  const candidates = [flags.config, process.env.KIOSK_CONFIG];
  try {
    candidates.push(path.join(resolveDataDir(flags['data-dir']), 'config.json'));
  } catch {
    // No data directory can be named: the configuration is looked for elsewhere only.
  }
  // A kiosk with no configuration provisioned runs on the example, and speaks its language.
  candidates.push(EXAMPLE_CONFIG);
  for (const file of candidates) {
    if (!file) continue;
    try {
      const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as { languages?: { default?: unknown } };
      if (isLanguage(doc.languages?.default)) return doc.languages.default;
    } catch {
      // Unreadable or not JSON: the next candidate, or English.
    }
  }
  return 'en';
}
