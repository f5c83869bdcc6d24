// kioskctl's side of the control socket: sends one request to the kiosk
// service and relays its output as it arrives (stdout, stderr, the progress
// bar), then returns the service's exit code.
import net from 'node:net';
import readline from 'node:readline';
import type { ImportProgress } from '../ingest';
import type { CommandRequest } from '../commands/requests';
import { controlSocketPath, ServerMessageSchema, type ClientMessage, type ServiceStatus } from './control-protocol';

export interface Sink {
  stdout(text: string): void;
  stderr(text: string): void;
  progress?(p: ImportProgress): void;
}

/** Connects to the service's socket, or null when no service listens there. */
export function connectService(root: string): Promise<net.Socket | null> {
  return new Promise((resolve) => {
    const sock = net.connect(controlSocketPath(root));
    sock.once('connect', () => {
      sock.removeAllListeners('error');
      resolve(sock);
    });
    sock.once('error', () => {
      sock.destroy();
      resolve(null);
    });
  });
}

function exchange(sock: net.Socket, msg: ClientMessage, sink: Sink | null): Promise<{ code: number | null; status: ServiceStatus | null }> {
  return new Promise((resolve) => {
    let code: number | null = null;
    let status: ServiceStatus | null = null;
    const rl = readline.createInterface({ input: sock });
    rl.on('line', (line) => {
      const m = ServerMessageSchema.safeParse(JSON.parse(line));
      if (!m.success) return;
      const x = m.data;
      if (x.type === 'exit') code = x.code;
      else if (x.type === 'status') status = x.status;
      else if (sink === null) return;
      else if (x.type === 'stdout') sink.stdout(x.text);
      else if (x.type === 'stderr') sink.stderr(x.text);
      else if (x.type === 'progress') sink.progress?.(x.progress);
    });
    sock.on('error', () => sock.destroy());
    sock.on('close', () => resolve({ code, status }));
    sock.write(JSON.stringify(msg) + '\n');
  });
}

/** Runs a command in the service; exit code, or null when the service went away before answering. */
export async function runInService(sock: net.Socket, request: CommandRequest, json: boolean, sink: Sink): Promise<number | null> {
  const r = await exchange(sock, { type: 'run', request, json, progress: sink.progress !== undefined }, sink);
  return r.code;
}

/** The service's status, or null when none answers on the data directory's socket. */
export async function serviceStatus(root: string): Promise<ServiceStatus | null> {
  const sock = await connectService(root);
  if (!sock) return null;
  return (await exchange(sock, { type: 'status' }, null)).status;
}
