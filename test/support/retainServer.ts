import { type ChildProcess, spawn } from 'node:child_process';
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
}

/**
 * Starts `retain serve --demo-if-empty` exactly as `npm start` does, on a fresh database in a
 * temporary folder and a free port, and resolves once it prints its URL.
 */
export async function startRetain(options: { customers?: number; args?: string[] } = {}): Promise<RetainServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'retain-e2e-'));
  const db = path.join(dir, 'retain.duckdb');
  const child: ChildProcess = spawn(
    process.execPath,
    [RETAIN, 'serve', '--db', db, '--port', '0', '--demo-if-empty', '--demo-customers', String(options.customers ?? 3000), ...(options.args ?? [])],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
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
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
