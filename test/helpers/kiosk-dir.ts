// A scratch kiosk data directory driven through the real kioskctl.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { kioskctl, kioskctlJson, type RunResult } from './kioskctl';
import { REPO, scratch } from './paths';

export class KioskDir {
  readonly dir = scratch('kiosk-data-');
  get env(): NodeJS.ProcessEnv {
    return { KIOSK_DATA_DIR: this.dir };
  }
  /** stdin for commands given no `input` (the secrets of test/helpers/accounts.ts `signed()`); commands that ask nothing ignore it. */
  stdin: string | undefined;
  ctl(args: string[], input = this.stdin): RunResult {
    return kioskctl(args, this.env, input);
  }
  json<T>(args: string[], input = this.stdin): { code: number; json: T; stderr: string } {
    return kioskctlJson<T>(args, this.env, input);
  }
  /**
   * Provisions `<dir>/config.json`: the PL court example with `changes` laid
   * over it (accounts from test/helpers/accounts.ts, importSources…).
   */
  provision(changes: Record<string, unknown>): this {
    const base = JSON.parse(fs.readFileSync(path.join(REPO, 'kiosk-config', 'court-kiosk-pl.json'), 'utf8')) as Record<string, unknown>;
    delete base.$schema;
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(path.join(this.dir, 'config.json'), JSON.stringify({ ...base, ...changes }, null, 2));
    return this;
  }
  /** The replica's directory when provisioned with withReplica(), else null. */
  replica: string | null = null;
  /** Provisions as provision() does, with a required replica (PL-5.1) in a scratch directory of its own. */
  withReplica(changes: Record<string, unknown> = {}): this {
    this.replica = scratch('replica-');
    return this.provision({ ...changes, replica: { path: this.replica, required: true } });
  }
  get catalog(): string {
    return path.join(this.dir, 'catalog.sqlite');
  }
  /** Runs SQL with the real sqlite3 command-line tool, as someone tampering would. */
  sqlite3(sql: string): string {
    const r = spawnSync('sqlite3', [this.catalog, sql], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`sqlite3: ${r.stderr}`);
    return r.stdout;
  }
  /** A full dump of the catalog, to show a rejected import changed nothing. */
  dump(): string {
    if (!fs.existsSync(this.catalog)) return '';
    const r = spawnSync('sqlite3', [this.catalog, '.dump'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    return r.stdout;
  }
  query<T>(sql: string, ...params: unknown[]): T[] {
    const db = new Database(this.catalog, { readonly: true });
    try {
      return db.prepare(sql).all(...params) as T[];
    } finally {
      db.close();
    }
  }
  objectFiles(): string[] {
    const root = path.join(this.dir, 'objects');
    const out: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else out.push(p);
      }
    };
    if (fs.existsSync(root)) walk(root);
    return out.sort();
  }
}
