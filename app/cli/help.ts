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

/**
 * kioskctl --help: every command with its usage and what it does, in
 * English (a command's own help, below, is in the kiosk's language). Each
 * usage line here is also in COMMANDS, and test/cli/help.test.ts holds the
 * two to each other: the per-command help had gone on naming --operator
 * after --account replaced it.
 */
export const HELP = `kioskctl — court-kiosk administration

Usage: kioskctl <command> [options]

Commands:
  config check FILE [--files]     validate a kiosk-config file (--files: also the files it names), its mode
                                  and the data directory's (exit 2: config.mode, env.data-dir.mode, env.key-file.owner)
  check PATH [--bagit-only]       validate a package or every package on a carrier; stores nothing
  status                          the kiosk service holding the data directory, open sessions, log size
  import PATH [--operator NAME]   import a package, a carrier or a plain folder with SHA256SUMS
  complete REF --version N [--identifier X] [--date D] [--duration T] [--case SIG] --account ID
                                  supply metadata a recording came without (PL-4.1); REF is its
                                  identifier or, for a plain-folder recording, its provisional id
  release REF --version N --rule RULE --note TEXT --account ID
                                  release a held record's reason that nothing can be supplied for
                                  (a protocol's signature or title); logged with the note
  imports                         the stored import reports: every file, hash, verdict
  fetch --case SIG --account ID [--tis URL --ca FILE --cert FILE --key FILE]
                                  import a case's recordings from the case-file system (TIS);
                                  the flags override kiosk-config's "tis"
  outbox [--deliver] [--tis URL --ca FILE --cert FILE --key FILE]
                                  list viewing reports queued for the TIS (--deliver: send due ones
                                  and the log's newest checkpoint to the TIS, its witness)
  list [--case SIG]               list catalogued recordings
  verify [--case SIG]             re-check every stored recording and catalog row
  purge --case SIG --transferred REF --account ID --approver ID
        (--export-receipt ID | --reason TEXT)
                                  delete a case's local copies after transfer to the archive (PL-7)
  export --case SIG [--identifier ID [--version N] [--only-version]] --to DIR
         --purpose supervisory|transfer|backup --recipient TEXT --account ID --approver ID
         [--envelope-sheet N] [--lang pl|uk|en]
                                  write a verified, signed crp/1 copy below DIR (PL-9, PL-5.2,
                                  PL-2.2); logged, with a receipt for the case file
  log verify [--trusted-checkpoint FILE] [--tis URL --ca FILE --cert FILE --key FILE]
                                  verify the viewing log, then against the checkpoint its witness
                                  (the TIS) holds and an exported one if given; exit 1 on an alarm
  log checkpoint                  sign and print a checkpoint of the viewing log
  log export --case SIG --out DIR [--lang pl|uk|en]
                                  signed JSON + HTML + PDF viewing report per session of the case
  device pubkey                   print the device's Ed25519 public key (PEM)
  device key export --to DIR --account ID --approver ID
                                  write the device key sealed with a passphrase (asked twice, or the
                                  third line of --secret-stdin) into DIR, for the court's safe; logged
  device key restore --from FILE --account ID --approver ID
                                  put the device key back from that file on a machine that lost its
                                  key directory (no service running); two administrators; logged
  device rekey --account ID --approver ID
                                  seal the device key again by the best way this process has
                                  (systemd-creds as root), never a weaker one; logged
  verify-report FILE [--pubkey PEM] [--checkpoint NOTE]
                                  check a viewing report or export receipt offline: signature,
                                  checkpoint, each entry's inclusion proof (exit 0 valid, 1 not)
  pin-hash --role clerk|admin     read a PIN (6-12 digits) or password (10+ characters) on stdin, print its hash
  selftest                        an end-to-end review session on a scratch data directory
  selftest --device [--root DIR]  checks of the installed appliance (units, users, data dir, policies, key, service, display)
  serve [--port N] [--demo]       start the web shell on 127.0.0.1; prints {origin, launch} first (launch: the 0600 launcher page to open once)
  demo-carrier DIR                write a demo carrier (crp/1 packages with real media) into DIR

Who acts (export, purge, complete, release, fetch): --account ID names an account of
kiosk-config; its PIN or password is asked on the terminal, or read from stdin
with --secret-stdin (one line per account: --account's, then --approver's).
export, purge and the device key's moves need a second, different account (--approver ID).

Global options:
  --data-dir DIR    data directory (default: $KIOSK_DATA_DIR or the XDG data dir)
  --config FILE     kiosk-config file (default: $KIOSK_CONFIG or <data dir>/config.json)
  --json            print one JSON document on stdout
  -h, --help        this help

Exit codes: 0 success, 1 a check failed (invalid, tampered, rejected), 2 usage or environment error.
`;

/** Each command's usage lines (exactly as in HELP) and its description. */
export const COMMANDS: Readonly<Record<string, { readonly usage: readonly string[]; readonly desc: CliMessageKey }>> = {
  config: { usage: ['config check FILE [--files]'], desc: 'cli.cmd.config' },
  check: { usage: ['check PATH [--bagit-only]'], desc: 'cli.cmd.check' },
  status: { usage: ['status'], desc: 'cli.cmd.status' },
  import: { usage: ['import PATH [--operator NAME]'], desc: 'cli.cmd.import' },
  complete: { usage: ['complete REF --version N [--identifier X] [--date D] [--duration T] [--case SIG] --account ID'], desc: 'cli.cmd.complete' },
  release: { usage: ['release REF --version N --rule RULE --note TEXT --account ID'], desc: 'cli.cmd.release' },
  imports: { usage: ['imports'], desc: 'cli.cmd.imports' },
  fetch: { usage: ['fetch --case SIG --account ID [--tis URL --ca FILE --cert FILE --key FILE]'], desc: 'cli.cmd.fetch' },
  outbox: { usage: ['outbox [--deliver] [--tis URL --ca FILE --cert FILE --key FILE]'], desc: 'cli.cmd.outbox' },
  list: { usage: ['list [--case SIG]'], desc: 'cli.cmd.list' },
  verify: { usage: ['verify [--case SIG]'], desc: 'cli.cmd.verify' },
  purge: { usage: ['purge --case SIG --transferred REF --account ID --approver ID', '      (--export-receipt ID | --reason TEXT)'], desc: 'cli.cmd.purge' },
  export: {
    usage: [
      'export --case SIG [--identifier ID [--version N] [--only-version]] --to DIR',
      '       --purpose supervisory|transfer|backup --recipient TEXT --account ID --approver ID',
      '       [--envelope-sheet N] [--lang pl|uk|en]',
    ],
    desc: 'cli.cmd.export',
  },
  log: {
    usage: ['log verify [--trusted-checkpoint FILE] [--tis URL --ca FILE --cert FILE --key FILE]', 'log checkpoint', 'log export --case SIG --out DIR [--lang pl|uk|en]'],
    desc: 'cli.cmd.log',
  },
  device: { usage: ['device pubkey', 'device key export --to DIR --account ID --approver ID', 'device key restore --from FILE --account ID --approver ID', 'device rekey --account ID --approver ID'], desc: 'cli.cmd.device' },
  'verify-report': { usage: ['verify-report FILE [--pubkey PEM] [--checkpoint NOTE]'], desc: 'cli.cmd.verify-report' },
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
  // A continuation line (it starts with spaces) goes under its command's flags, without a second "kioskctl".
  const usage = c.usage.map((u) => (u.startsWith(' ') ? `  ${' '.repeat('kioskctl '.length)}${u}` : `  kioskctl ${u}`)).join('\n');
  // A command that records who acted says how to name them and give their secret, as the global help does.
  const who = c.usage.some((u) => u.includes('--account')) ? `\n\n${translateCli(lang, 'cli.whoActs')}` : '';
  return `${translateCli(lang, 'cli.usage')}:\n${usage}\n\n${translateCli(lang, c.desc)}${who}\n\n${translateCli(lang, 'cli.exitCodes')}\n`;
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
