import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const RETAIN = path.join(REPO_ROOT, 'apps', 'cli', 'bin', 'retain.js');

export interface RetainServer {
  url: string;
  db: string;
  dir: string;
  output: () => string;
  stop: () => Promise<void>;
  /** SIGKILL, as a crash or the OOM killer would; the database folder is kept. */
  kill: () => Promise<void>;
}

export interface RetainUser {
  username: string;
  role: 'admin' | 'executive' | 'analyst' | 'retention';
  password: string;
}

export interface StartOptions {
  customers?: number;
  args?: string[];
  db?: string;
  /** Extra environment for the server, e.g. `{ RETAIN_AUTH: 'on' }` to require sign-in. */
  env?: Record<string, string>;
  /**
   * Users made with `retain users add` (password on standard input) before the server starts: DuckDB
   * lets one process at a time open the database file, so they cannot be added while it runs.
   */
  users?: readonly RetainUser[];
  /**
   * False: no `--demo-if-empty` (a server whose facts are elsewhere, `--engine`, ignores it with a
   * message). Default true, as `npm start` does.
   */
  demoIfEmpty?: boolean;
}

/** Runs `retain users add` on the database, the password on standard input, as an admin would. */
export function addRetainUser(db: string, user: RetainUser): void {
  const result = spawnSync(
    process.execPath,
    [RETAIN, 'users', 'add', user.username, '--role', user.role, '--db', db],
    { cwd: REPO_ROOT, input: `${user.password}\n`, encoding: 'utf8' },
  );
  if (result.status !== 0)
    throw new Error(`retain users add ${user.username} exited with ${result.status}:\n${result.stderr}`);
}

/**
 * Starts `retain serve --demo-if-empty` exactly as `npm start` does, on a free port, and resolves
 * once it prints its URL: on a fresh database in a temporary folder (removed on stop), or on `db`
 * (kept, e.g. the benchmark's demo database, generated on its first use).
 */
export async function startRetain(options: StartOptions = {}): Promise<RetainServer> {
  const dir = options.db ? path.dirname(options.db) : fs.mkdtempSync(path.join(os.tmpdir(), 'retain-e2e-'));
  const db = options.db ?? path.join(dir, 'retain.duckdb');
  for (const user of options.users ?? []) addRetainUser(db, user);
  const child: ChildProcess = spawn(
    process.execPath,
    [
      RETAIN,
      'serve',
      '--db',
      db,
      '--port',
      '0',
      ...(options.demoIfEmpty === false
        ? []
        : ['--demo-if-empty', '--demo-customers', String(options.customers ?? 3000)]),
      ...(options.args ?? []),
    ],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } },
  );
  let log = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      const match = /running at (http:\/\/\S+)/.exec(log);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`retain serve exited with ${code}:\n${log}`)));
  });
  return {
    url,
    db,
    dir,
    output: () => log,
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        // The server interrupts running queries and stops within a second or two; one that has
        // not stopped after 10 s is killed, so that one stuck shutdown cannot hang the suite.
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      if (!options.db) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
