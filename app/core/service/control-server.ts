// The kiosk service's control socket, `<data dir>/control.sock` (0600, in the
// 0700 data directory): kioskctl's commands that change data arrive here and
// run in the service's process, the only writer of the catalog, store and log.
// Commands run one at a time in arrival order (a job queue), so two imports
// started together both complete, one after the other, and none of them can
// interleave with another's half-written state. Sessions are not jobs: a
// viewer goes on playing while an import runs.
import fs from 'node:fs';
import net from 'node:net';
import readline from 'node:readline';
import { formatProblem } from '../../shared/problem';
import type { Auth } from '../auth';
import type { Kiosk } from '../kiosk';
import { runCommand } from '../commands/run';
import { commandFailure } from '../commands/failure';
import type { Out } from '../commands/out';
import { ClientMessageSchema, controlSocketPath, type ServerMessage, type ServiceStatus } from './control-protocol';

export interface ControlServerOptions {
  readonly kiosk: Kiosk;
  /** The service's one Auth: a wrong secret given to kioskctl counts toward the PIN pad's lockout. */
  readonly auth?: Auth;
  readonly status: () => Omit<ServiceStatus, 'jobs'>;
  readonly note: (line: string) => void;
}

export interface ControlServer {
  readonly path: string;
  close(): Promise<void>;
}

function send(sock: net.Socket, m: ServerMessage): void {
  if (!sock.destroyed) sock.write(JSON.stringify(m) + '\n');
}

/** An Out whose every call goes to the client, formatted exactly as kioskctl's own terminal Out would. */
function remoteOut(sock: net.Socket, json: boolean, progress: boolean): Out {
  return {
    json,
    result(doc, human) {
      const text = json ? JSON.stringify(doc, null, 2) + '\n' : human() + (human().endsWith('\n') ? '' : '\n');
      send(sock, { type: 'stdout', text });
    },
    info(line) {
      send(sock, { type: 'stderr', text: line + '\n' });
    },
    problems(ps) {
      send(sock, { type: 'stderr', text: ps.map((p) => formatProblem(p) + '\n').join('') });
    },
    ...(progress ? { progress: (p) => send(sock, { type: 'progress', progress: { ...p } }) } : {}),
  };
}

export async function startControlServer(opts: ControlServerOptions): Promise<ControlServer> {
  const file = controlSocketPath(opts.kiosk.layout.root);
  // Only the lock holder gets here, so a socket file left by a killed owner is stale by definition.
  fs.rmSync(file, { force: true });
  let queue: Promise<void> = Promise.resolve();
  let running = 0;
  let queued = 0;
  const sockets = new Set<net.Socket>();

  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => sock.destroy());
    const rl = readline.createInterface({ input: sock });
    rl.once('line', (line) => {
      rl.close();
      let msg;
      try {
        msg = ClientMessageSchema.parse(JSON.parse(line));
      } catch (e) {
        send(sock, { type: 'stderr', text: `kiosk service: malformed request: ${(e as Error).message}\n` });
        send(sock, { type: 'exit', code: 2 });
        sock.end();
        return;
      }
      if (msg.type === 'status') {
        send(sock, { type: 'status', status: { ...opts.status(), jobs: { running, queued } } });
        sock.end();
        return;
      }
      const { request, json, progress } = msg;
      queued++;
      const job = queue.then(async () => {
        queued--;
        running++;
        const out = remoteOut(sock, json, progress);
        let code: number;
        try {
          code = await runCommand(opts.kiosk, request, out, opts.auth);
        } catch (e) {
          code = commandFailure(e, out, (s) => send(sock, { type: 'stderr', text: s }));
        } finally {
          running--;
        }
        opts.note(`kioskctl ${request.command}: exit ${code}`);
        send(sock, { type: 'exit', code });
        sock.end();
      });
      // A job's failure is the job's answer (sent above); the queue goes on.
      queue = job.catch(() => undefined);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // The data directory is 0700, so nobody but the kiosk's user reaches the
    // socket even before the chmod below narrows it to 0600.
    server.listen(file, () => {
      server.off('error', reject);
      resolve();
    });
  });
  fs.chmodSync(file, 0o600);
  return {
    path: file,
    async close() {
      // Stop taking requests, let the jobs already accepted finish and answer
      // their clients, then drop what is left.
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      await queue;
      for (const s of sockets) s.destroy();
      await stopped;
      fs.rmSync(file, { force: true });
    },
  };
}
