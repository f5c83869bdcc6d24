// kioskctl: court IT's command line for the appliance. Exit codes: 0 success,
// 1 a check failed (invalid, tampered, rejected), 2 usage or environment error.
// `--json` prints one JSON document on stdout.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { EXIT_USAGE, UsageError, EXPORT_USAGE, parseExportOptions, check, list, imports, verify, logVerify, devicePubkey, type CommandRequest } from '../core/commands';
import { commandFailure } from '../core/commands/failure';
import { makeOut, type Out } from './output';
import { openReadOnly, ownerResult, runAsOwner, type GlobalOptions } from './context';
import type { RepairOutcome, RepairRequest } from '../core/replica';
import { configCheck } from './commands/config-check';
import { pinHash } from './commands/pin-hash';
import { selftest, selftestDevice } from './commands/selftest';
import { demoCarrier } from './commands/demo-carrier';
import type { Kiosk } from '../core/kiosk';
import { serve } from './commands/serve';
import { status } from './commands/status';
import { configFromOptions } from './context';
import { trustedDevicesOf } from '../core/ingest';
import { CommandUsageError, HELP, cliLanguage, commandHelp, isCommand, requireFlags } from './help';
import { translateCli } from '../shared/i18n/cli-messages';
import { casesMatching } from '../shared/case-key';
import type { Language } from '../shared/i18n/languages';
import { readPeople, readPeopleAndPassphrase, type PeopleFlags } from './secrets';
import { MIN_PASSPHRASE } from '../core/keys';


const OPTIONS = {
  'data-dir': { type: 'string' },
  config: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  case: { type: 'string' },
  port: { type: 'string' },
  demo: { type: 'boolean', default: false },
  files: { type: 'boolean', default: false },
  'bagit-only': { type: 'boolean', default: false },
  operator: { type: 'string' },
  account: { type: 'string' },
  approver: { type: 'string' },
  'secret-stdin': { type: 'boolean', default: false },
  'export-receipt': { type: 'string' },
  reason: { type: 'string' },
  rule: { type: 'string' },
  note: { type: 'string' },
  transferred: { type: 'string' },
  version: { type: 'string' },
  identifier: { type: 'string' },
  date: { type: 'string' },
  duration: { type: 'string' },
  'trusted-checkpoint': { type: 'string' },
  out: { type: 'string' },
  lang: { type: 'string' },
  role: { type: 'string' },
  tis: { type: 'string' },
  ca: { type: 'string' },
  cert: { type: 'string' },
  key: { type: 'string' },
  deliver: { type: 'boolean', default: false },
  to: { type: 'string' },
  from: { type: 'string' },
  purpose: { type: 'string' },
  recipient: { type: 'string' },
  'envelope-sheet': { type: 'string' },
  'only-version': { type: 'boolean', default: false },
  pubkey: { type: 'string' },
  checkpoint: { type: 'string' },
  device: { type: 'boolean', default: false },
  root: { type: 'string' },
} satisfies ParseArgsConfig['options'];

type Values = ReturnType<typeof parse>['values'];

function parse(argv: string[]) {
  return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
}

/** --lang, --config and --data-dir read from arguments that did not parse. */
function loose(argv: string[]): { lang?: string; config?: string; 'data-dir'?: string } {
  const at = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);
  };
  const out: { lang?: string; config?: string; 'data-dir'?: string } = {};
  for (const [k, flag] of [['lang', '--lang'], ['config', '--config'], ['data-dir', '--data-dir']] as const) {
    const x = at(flag);
    if (x !== undefined) out[k] = x;
  }
  return out;
}

function globals(v: Values): GlobalOptions {
  return { ...(v['data-dir'] ? { dataDir: v['data-dir'] } : {}), ...(v.config ? { config: v.config } : {}) };
}

function needPositional(pos: string[], i: number, what: string): string {
  const x = pos[i];
  if (x === undefined) throw new CommandUsageError(translateCli(lang, 'cli.missing', { what }), pos[0] ?? null);
  return x;
}

/** A path the command reads must exist: otherwise it is an environment error (exit 2), named. */
function existingPath(pos: string[], i: number, what: string): string {
  const p = needPositional(pos, i, what);
  if (!fs.existsSync(p)) throw new CommandUsageError(translateCli(lang, 'cli.noPath', { path: p }), pos[0] ?? null);
  return p;
}

/** The language of kioskctl's own words for this run (set in main). */
let lang: Language = 'en';

function parsePort(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--port: not a port number: ${s}`);
  return n;
}

/** A read-only command: the catalog opened read-only, nothing deleted, moved or written. */
async function readOnly(v: Values, out: Out, f: (k: Kiosk) => number | Promise<number>): Promise<number> {
  const kiosk = await openReadOnly(globals(v), out.info);
  let code: number;
  try {
    code = await f(kiosk);
  } finally {
    kiosk.close();
  }
  // What it found but could not record (a verify's integrity events) goes to the owner, which records it.
  if (kiosk.unrecorded.length) {
    const quiet: Out = { json: true, result: () => undefined, info: () => undefined, problems: () => undefined };
    const r = await runAsOwner(globals(v), { command: 'integrity.record', events: kiosk.unrecorded }, quiet);
    if (r !== 0) out.info(`kioskctl: the integrity events found could not be recorded (exit ${r})`);
  }
  return code;
}

/** A command that changes data: the kiosk service runs it when one holds the data directory, else this process under the lock. */
function owned(v: Values, out: Out, req: CommandRequest): Promise<number> {
  return runAsOwner(globals(v), req, out);
}

const abs = (p: string): string => path.resolve(p);
const peopleFlags = (v: Values): PeopleFlags => ({ account: v.account, approver: v.approver, secretStdin: v['secret-stdin'], operator: v.operator });
const absOpt = (p: string | undefined): string | undefined => (p === undefined ? undefined : path.resolve(p));

async function dispatch(pos: string[], v: Values, out: Out): Promise<number> {
  const cmd = pos[0];
  switch (cmd) {
    case 'config': {
      if (pos[1] !== 'check') throw new CommandUsageError(translateCli(lang, 'cli.missing', { what: 'check FILE' }), 'config');
      return configCheck(needPositional(pos, 2, 'FILE'), { files: v.files, ...(v['data-dir'] ? { dataDir: v['data-dir'] } : {}) }, out);
    }
    case 'check': {
      // The devices import trusts: an export one of them signed must verify for check too.
      const { config, configFile } = configFromOptions(globals(v), out.info);
      return check(existingPath(pos, 1, 'PATH'), { bagitOnly: v['bagit-only'], trustedDevices: trustedDevicesOf(config, configFile) }, out);
    }
    case 'demo-carrier':
      return demoCarrier(needPositional(pos, 1, 'DIR'), out);
    case 'status':
      return status(globals(v), out);
    case 'imports':
      return readOnly(v, out, (k) => imports(k, out));
    case 'list':
      return readOnly(v, out, (k) => list(k, v.case ? { case: v.case } : {}, out));
    case 'import':
      return owned(v, out, { command: 'import', target: abs(existingPath(pos, 1, 'PATH')), operator: v.operator ?? null });
    case 'fetch': {
      requireFlags(lang, 'fetch', v, ['case']);
      if (!v.case) return EXIT_USAGE;
      const { account } = await readPeople(peopleFlags(v), false);
      return owned(v, out, { command: 'fetch', case: v.case, account, tis: v.tis, ca: absOpt(v.ca), cert: absOpt(v.cert), key: absOpt(v.key) });
    }
    case 'outbox': {
      if (v.deliver) return owned(v, out, { command: 'outbox.deliver', tis: v.tis, ca: absOpt(v.ca), cert: absOpt(v.cert), key: absOpt(v.key) });
      const { outboxCmd } = await import('../core/commands/outbox');
      return readOnly(v, out, (k) => outboxCmd(k, { deliver: false, tis: v.tis, ca: absOpt(v.ca), cert: absOpt(v.cert), key: absOpt(v.key) }, out));
    }
    case 'complete': {
      const ref = needPositional(pos, 1, 'IDENTIFIER');
      const version = Number(v.version);
      requireFlags(lang, 'complete', v, ['version']);
      if (!Number.isInteger(version) || version < 0) throw new CommandUsageError('--version N: a natural number', 'complete');
      const { account } = await readPeople(peopleFlags(v), false);
      return owned(v, out, {
        command: 'complete', ref, version, account,
        identifier: v.identifier, date: v.date, duration: v.duration, caseSignature: v.case,
      });
    }
    case 'release': {
      const ref = needPositional(pos, 1, 'REF');
      const version = Number(v.version);
      if (v.version === undefined || !Number.isInteger(version) || version < 0) throw new UsageError('--version N is required (a natural number)');
      if (!v.rule || v.note === undefined) throw new UsageError('usage: kioskctl release REF --version N --rule RULE --note TEXT --account ID');
      const { account } = await readPeople(peopleFlags(v), false);
      return owned(v, out, { command: 'release', ref, version, rule: v.rule, note: v.note, account });
    }
    case 'log': {
      if (pos[1] === 'verify') {
        const tc = v['trusted-checkpoint'];
        const tis = { tis: v.tis, ca: absOpt(v.ca), cert: absOpt(v.cert), key: absOpt(v.key) };
        return readOnly(v, out, (k) => logVerify(k, { ...(tc ? { trustedCheckpoint: tc } : {}), ...tis }, out));
      }
      if (pos[1] === 'checkpoint') return owned(v, out, { command: 'log.checkpoint' });
      if (pos[1] === 'export') {
        requireFlags(lang, 'log', v, ['case', 'out']);
        if (!v.case || !v.out) return EXIT_USAGE;
        return owned(v, out, { command: 'log.export', case: v.case, out: abs(v.out), lang: v.lang });
      }
      throw new CommandUsageError(translateCli(lang, 'cli.missing', { what: 'verify | checkpoint | export' }), 'log');
    }
    case 'device':
      if (pos[1] === 'pubkey') return readOnly(v, out, (k) => devicePubkey(k, out));
      if (pos[1] === 'key' && pos[2] === 'export') {
        requireFlags(lang, 'device', v, ['to']);
        if (!v.to) return EXIT_USAGE;
        const to = abs(v.to);
        if (!fs.statSync(to, { throwIfNoEntry: false })?.isDirectory()) throw new CommandUsageError(translateCli(lang, 'cli.noPath', { path: v.to }), 'device');
        const who = await readPeopleAndPassphrase(peopleFlags(v));
        if (who.account?.secret && who.passphrase.length < MIN_PASSPHRASE) throw new UsageError(`the recovery passphrase must have at least ${MIN_PASSPHRASE} characters`);
        return owned(v, out, { command: 'device.key.export', to, ...who });
      }
      if (pos[1] === 'key' && pos[2] === 'restore') {
        requireFlags(lang, 'device', v, ['from']);
        if (!v.from) return EXIT_USAGE;
        const from = abs(v.from);
        if (!fs.statSync(from, { throwIfNoEntry: false })?.isFile()) throw new CommandUsageError(translateCli(lang, 'cli.noPath', { path: v.from }), 'device');
        const who = await readPeopleAndPassphrase(peopleFlags(v));
        const { keyRestore } = await import('./commands/key-restore');
        return keyRestore(globals(v), from, who, out);
      }
      if (pos[1] === 'rekey') {
        const who = await readPeople(peopleFlags(v), true);
        return owned(v, out, { command: 'device.rekey', ...who });
      }
      throw new CommandUsageError(translateCli(lang, 'cli.missing', { what: 'pubkey | key export | key restore | rekey' }), 'device');
    case 'verify-report': {
      const { verifyReport } = await import('./commands/verify-report');
      return verifyReport(needPositional(pos, 1, 'FILE'), { pubkey: v.pubkey, checkpoint: v.checkpoint }, out);
    }
    case 'selftest': {
      if (v.device) return selftestDevice({ ...(v.root ? { root: abs(v.root) } : {}), ...(v['data-dir'] ? { dataDir: abs(v['data-dir']) } : {}), ...(v.config ? { configFile: abs(v.config) } : {}) }, lang, out);
      const { config, configFile } = configFromOptions(globals(v), out.info);
      return selftest(config, configFile, out);
    }
    case 'pin-hash':
      return pinHash(v.role, out);
    case 'verify': {
      // verify reads only; the copies it finds to restore go to the owner, which checks them again and restores them.
      const repair = async (objects: RepairRequest[]): Promise<RepairOutcome[]> => {
        const r = await ownerResult(globals(v), { command: 'replica.repair', objects }, out.info);
        return (r.doc as { repairs?: RepairOutcome[] } | null)?.repairs ?? [];
      };
      return readOnly(v, out, (k) => {
        if (v.case === undefined) return verify(k, { lang, repair }, out);
        // A case the catalog does not hold is not "all intact": nothing was checked (exit 2, named).
        const cases = (k.db.prepare('SELECT signature, case_number AS caseNumber FROM cases').all() as Array<{ signature: string; caseNumber: string | null }>);
        const found = casesMatching(cases, v.case);
        if (found.length !== 1 || !found[0]) {
          process.stderr.write(`${translateCli(lang, 'cli.error', { message: translateCli(lang, 'cli.noCase', { case: v.case }) })}\n`);
          return EXIT_USAGE;
        }
        return verify(k, { case: found[0].signature, lang, repair }, out);
      });
    }
    case 'purge': {
      requireFlags(lang, 'purge', v, ['case', 'transferred']);
      if (!v.case || !v.transferred) return EXIT_USAGE;
      const who = await readPeople(peopleFlags(v), true);
      return owned(v, out, { command: 'purge', case: v.case, transferred: v.transferred, ...who, exportReceipt: v['export-receipt'], reason: v.reason });
    }
    case 'export': {
      requireFlags(lang, 'export', v, ['case', 'to', 'purpose', 'recipient']);
      if (!v.case || !v.to || !v.purpose || v.recipient === undefined) throw new UsageError(EXPORT_USAGE);
      // Usage errors (exit 2) before anyone is asked for a secret.
      parseExportOptions({ case: v.case, to: v.to, purpose: v.purpose, recipient: v.recipient, onlyVersion: v['only-version'], identifier: v.identifier, version: v.version, envelopeSheet: v['envelope-sheet'], lang: v.lang });
      const who = await readPeople(peopleFlags(v), true);
      return owned(v, out, {
        command: 'export', case: v.case, to: abs(v.to), purpose: v.purpose, recipient: v.recipient, ...who, onlyVersion: v['only-version'],
        identifier: v.identifier, version: v.version, envelopeSheet: v['envelope-sheet'], lang: v.lang,
      });
    }
    case 'serve': {
      const port = parsePort(v.port);
      const args = [
        ...(port !== undefined ? ['--port', String(port)] : []),
        ...(v.demo ? ['--demo'] : []),
        ...(v['data-dir'] ? ['--data-dir', v['data-dir']] : []),
        ...(v.config ? ['--config', v.config] : []),
      ];
      return serve(args);
    }
    case undefined:
      throw new CommandUsageError(translateCli(lang, 'cli.noCommand'), null);
    default:
      throw new CommandUsageError(translateCli(lang, 'cli.unknownCommand', { cmd }), null);
  }
}

export async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (e) {
    // Said in one line, with where to read more: not forty lines of help hiding the one that matters.
    lang = cliLanguage(loose(argv));
    process.stderr.write(`${translateCli(lang, 'cli.error', { message: translateCli(lang, 'cli.badOption', { detail: (e as Error).message }) })}\n${translateCli(lang, 'cli.seeGlobalHelp')}\n`);
    return EXIT_USAGE;
  }
  const { values: v, positionals: pos } = parsed;
  lang = cliLanguage(v);
  if (v.help) {
    process.stdout.write(isCommand(pos[0]) ? commandHelp(pos[0], lang) : HELP);
    return 0;
  }
  const out = makeOut(v.json);
  try {
    return await dispatch(pos, v, out);
  } catch (e) {
    if (e instanceof UsageError) {
      const cmd = e instanceof CommandUsageError ? e.command : isCommand(pos[0]) ? pos[0] : null;
      const more = cmd ? translateCli(lang, 'cli.seeHelp', { cmd }) : translateCli(lang, 'cli.seeGlobalHelp');
      process.stderr.write(`${translateCli(lang, 'cli.error', { message: e.message })}\n${more}\n`);
      return EXIT_USAGE;
    }
    return commandFailure(e, out);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`kioskctl: ${String(e)}\n`);
    process.exitCode = EXIT_USAGE;
  },
);
