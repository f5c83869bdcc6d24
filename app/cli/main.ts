// kioskctl: court IT's command line for the appliance. Exit codes: 0 success,
// 1 a check failed (invalid, tampered, rejected), 2 usage or environment error.
// `--json` prints one JSON document on stdout.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { KioskError } from '../core/errors';
import { EXIT_FAILED, EXIT_USAGE, UsageError } from './exit-codes';
import { makeOut, type Out } from './output';
import { openFromOptions, type GlobalOptions } from './context';
import { configCheck } from './commands/config-check';
import { list } from './commands/list';
import { serve } from './commands/serve';

export const HELP = `kioskctl — court-kiosk administration

Usage: kioskctl <command> [options]

Commands:
  config check FILE [--files]     validate a kiosk-config file (--files: also the files it names)
  list [--case SIG]               list catalogued recordings
  serve [--port N] [--demo]       start the web shell on 127.0.0.1; prints the URL (with token) first
  demo-carrier DIR                write a demo carrier (crp/1 packages with real media) into DIR

Global options:
  --data-dir DIR    data directory (default: $KIOSK_DATA_DIR or the XDG data dir)
  --config FILE     kiosk-config file (default: $KIOSK_CONFIG or <data dir>/config.json)
  --json            print one JSON document on stdout
  -h, --help        this help

Exit codes: 0 success, 1 a check failed (invalid, tampered, rejected), 2 usage or environment error.
`;

const OPTIONS = {
  'data-dir': { type: 'string' },
  config: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  case: { type: 'string' },
  port: { type: 'string' },
  demo: { type: 'boolean', default: false },
  files: { type: 'boolean', default: false },
} satisfies ParseArgsConfig['options'];

type Values = ReturnType<typeof parse>['values'];

function parse(argv: string[]) {
  return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
}

function globals(v: Values): GlobalOptions {
  return { ...(v['data-dir'] ? { dataDir: v['data-dir'] } : {}), ...(v.config ? { config: v.config } : {}) };
}

function needPositional(pos: string[], i: number, what: string): string {
  const x = pos[i];
  if (x === undefined) throw new UsageError(`missing ${what}`);
  return x;
}

function parsePort(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--port: not a port number: ${s}`);
  return n;
}

async function dispatch(pos: string[], v: Values, out: Out): Promise<number> {
  const cmd = pos[0];
  switch (cmd) {
    case 'config': {
      if (pos[1] !== 'check') throw new UsageError('usage: kioskctl config check FILE');
      return configCheck(needPositional(pos, 2, 'FILE'), { files: v.files }, out);
    }
    case 'list': {
      const { kiosk } = openFromOptions(globals(v), out.info);
      try {
        return list(kiosk, v.case ? { case: v.case } : {}, out);
      } finally {
        kiosk.close();
      }
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
      throw new UsageError('no command given');
    default:
      throw new UsageError(`unknown command: ${cmd}`);
  }
}

export async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (e) {
    process.stderr.write(`kioskctl: ${(e as Error).message}\n\n${HELP}`);
    return EXIT_USAGE;
  }
  const { values: v, positionals: pos } = parsed;
  if (v.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const out = makeOut(v.json);
  try {
    return await dispatch(pos, v, out);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`kioskctl: ${e.message}\n\n${HELP}`);
      return EXIT_USAGE;
    }
    if (e instanceof KioskError) {
      out.problems(e.problems);
      const code = e.code === 'usage' || e.code === 'environment' || e.code === 'config' ? EXIT_USAGE : EXIT_FAILED;
      if (out.json) out.result({ ok: false, error: { code: e.code, message: e.message, problems: e.problems } }, () => '');
      process.stderr.write(`kioskctl: ${e.message}\n`);
      return code;
    }
    process.stderr.write(`kioskctl: ${(e as Error).stack ?? String(e)}\n`);
    return EXIT_USAGE;
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
