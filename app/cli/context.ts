// What every command that touches the appliance needs: the data directory and
// the configuration, resolved the same way as the shells do, and the rule of
// one owner: a command that changes data is sent to the kiosk service when one
// holds the data directory, or run here under the data directory's lock when
// none does (waiting while another kioskctl command holds it). Read-only
// commands open the catalog read-only and need no lock.
import fs from 'node:fs';
import path from 'node:path';
import { appRootFrom, appVersion } from '../core/app-root';
import { loadConfig, locateConfigFile, type KioskConfig } from '../core/config';
import { dataLayout, resolveDataDir } from '../core/data-dir';
import { openKiosk, type Kiosk } from '../core/kiosk';
import { runCommand, type CommandRequest, type Out } from '../core/commands';
import { commandFailure } from '../core/commands/failure';
import { connectService, heldError, runInService, readOwner, tryOpenOwnedKiosk } from '../core/service';

export const REPO_ROOT = appRootFrom(import.meta.url);
export const EXAMPLE_CONFIG = path.join(REPO_ROOT, 'kiosk-config', 'court-kiosk-pl.json');

export interface GlobalOptions {
  readonly dataDir?: string;
  readonly config?: string;
}

function resolve(opts: GlobalOptions, notice: (s: string) => void): { dataDir: string; configFile: string; config: KioskConfig } {
  const dataDir = resolveDataDir(opts.dataDir);
  const configFile = locateConfigFile({ ...(opts.config ? { flag: opts.config } : {}), dataDir, exampleFile: EXAMPLE_CONFIG }, notice);
  return { dataDir, configFile, config: loadConfig(configFile) };
}

/** The configuration a command would use, without opening the kiosk (selftest). */
export function configFromOptions(opts: GlobalOptions, notice: (s: string) => void): { config: KioskConfig; configFile: string } {
  const r = resolve(opts, notice);
  return { config: r.config, configFile: r.configFile };
}

/**
 * A read-only kiosk: the catalog opened read-only, nothing swept or written.
 * A data directory never used before is first initialised (catalog, key) by
 * this process as its owner, under the lock, so `list` on a new kiosk answers
 * "nothing stored" rather than an error.
 */
export async function openReadOnly(opts: GlobalOptions, notice: (s: string) => void): Promise<Kiosk> {
  const r = resolve(opts, notice);
  if (!fs.existsSync(dataLayout(r.dataDir).catalog)) {
    const init = await tryOpenOwnedKiosk({
      dataDir: r.dataDir, config: r.config, configFile: r.configFile,
      who: { kind: 'command', what: 'kioskctl (initialising the data directory)', version: appVersion(REPO_ROOT) },
    });
    init?.close();
  }
  return openKiosk({ dataDir: r.dataDir, config: r.config, configFile: r.configFile, readonly: true });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs a data-changing command as the one owner: in the service, or here under the lock. */
/**
 * Runs `req` as owner and returns its JSON result instead of printing it (a
 * read-only command handing work to the owner: verify's repairs). Diagnostics
 * still go to this process's stderr.
 */
export async function ownerResult(opts: GlobalOptions, req: CommandRequest, info: (line: string) => void): Promise<{ code: number; doc: unknown }> {
  let doc: unknown = null;
  let text = '';
  const out: Out = { json: true, result: (d) => void (doc = d), info, problems: () => undefined };
  const code = await runAsOwner(opts, req, out, (t) => void (text += t));
  if (doc === null && text.trim()) {
    try {
      doc = JSON.parse(text) as unknown;
    } catch {
      doc = null;
    }
  }
  return { code, doc };
}

export async function runAsOwner(opts: GlobalOptions, req: CommandRequest, out: Out, stdout?: (t: string) => void): Promise<number> {
  const dataDir = resolveDataDir(opts.dataDir);
  let told = false;
  let r: ReturnType<typeof resolve> | null = null;
  let serviceSilentSince: number | null = null;
  for (;;) {
    const sock = await connectService(dataDir);
    if (sock) {
      const sink = {
        stdout: stdout ?? ((t: string) => void process.stdout.write(t)),
        stderr: (t: string) => void process.stderr.write(t),
        ...(out.progress ? { progress: out.progress.bind(out) } : {}),
      };
      const code = await runInService(sock, req, out.json, sink);
      if (code !== null) return code;
      // The service went away mid-command (killed): say so, exit 2; whatever it had not committed is not stored.
      process.stderr.write(`kioskctl: the kiosk service holding ${dataDir} stopped before ${req.command} finished\n`);
      return 2;
    }
    r ??= resolve(opts, out.info);
    const kiosk = await tryOpenOwnedKiosk({
      dataDir, config: r.config, configFile: r.configFile,
      who: { kind: 'command', what: `kioskctl ${req.command}`, version: appVersion(REPO_ROOT) },
    });
    if (kiosk) {
      try {
        return await runCommand(kiosk, req, out);
      } catch (e) {
        return commandFailure(e, out);
      } finally {
        // No service to catch the replica up later: this command does, as far as it can (never fatal; a required
        // replica already has what this command stored).
        await kiosk.replica?.catchUp(kiosk.db, { now: true });
        kiosk.close();
      }
    }
    // Held: by a service still starting (its socket is not up yet) or by another command. Wait for it.
    const holder = readOwner(dataDir);
    if (!told && holder?.kind === 'command') {
      out.info(`kioskctl: waiting for PID ${holder.pid} (${holder.what}) to release ${dataDir}`);
      told = true;
    }
    // A command holder is waited for as long as it works; a service that holds
    // the lock but does not answer on its socket for 10 s is named and refused.
    if (holder?.kind === 'service') {
      serviceSilentSince ??= Date.now();
      if (Date.now() - serviceSilentSince > 10_000) return commandFailure(heldError(dataDir, holder), out);
    } else serviceSilentSince = null;
    await sleep(150);
  }
}
