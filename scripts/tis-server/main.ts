// CLI for the reference TIS server:
//   npx tsx scripts/tis-server/main.ts --root DIR --certs DIR [--port N] [--host H]
//     [--server-cert NAME] [--state DIR] [--control] [--fault KIND[:TIMES]] [--device ID=PUBKEY.pem …]
// Prints its URL on stdout (one line) and runs until SIGINT/SIGTERM.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { FAULT_KINDS, startTisServer, type Fault, type FaultKind } from './server';

const { values } = parseArgs({
  options: {
    root: { type: 'string' },
    certs: { type: 'string' },
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    'server-cert': { type: 'string' },
    state: { type: 'string' },
    control: { type: 'boolean', default: false },
    fault: { type: 'string' },
    device: { type: 'string', multiple: true },
  },
});

function usage(msg: string): never {
  process.stderr.write(`${msg}\nusage: main.ts --root DIR --certs DIR [--port N] [--control] [--fault KIND[:TIMES]]\n`);
  process.exit(2);
}

if (!values.root || !values.certs) usage('--root and --certs are required');

let fault: Fault | null = null;
if (values.fault) {
  const [kind, times] = values.fault.split(':');
  if (!FAULT_KINDS.includes(kind as FaultKind)) usage(`unknown fault ${kind}; kinds: ${FAULT_KINDS.join(', ')}`);
  fault = times ? { kind: kind as FaultKind, times: Number(times) } : { kind: kind as FaultKind };
}

// Devices whose checkpoints this server witnesses: ID=FILE with the PEM that `kioskctl device pubkey` prints.
const devices: Record<string, string> = {};
for (const d of values.device ?? []) {
  const at = d.indexOf('=');
  if (at <= 0) usage(`--device ${d}: expected ID=PUBKEY.pem`);
  devices[d.slice(0, at)] = fs.readFileSync(d.slice(at + 1), 'utf8');
}

const server = await startTisServer({
  devices,
  root: values.root,
  certs: values.certs,
  port: Number(values.port),
  host: values.host,
  ...(values['server-cert'] ? { serverCert: values['server-cert'] } : {}),
  ...(values.state ? { stateDir: values.state } : {}),
  control: values.control,
  fault,
});
process.stdout.write(`${server.url}\n`);

const stop = (): void => {
  server.close().then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`tis-server: close failed: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
