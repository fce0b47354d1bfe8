import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The `retain` command's entry point, for tests that start it themselves (`retain serve`). */
export const RETAIN_BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/retain.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `retain` command in a child process, as a user or a script would. */
export function runRetain(args: string[], env: NodeJS.ProcessEnv = {}, input?: string): CliResult {
  const result = spawnSync(process.execPath, [RETAIN_BIN, ...args], {
    encoding: 'utf8',
    ...(input === undefined ? {} : { input }),
    env: { ...process.env, NO_COLOR: '1', ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** What stderr must not hold when a command refuses bad input: an internal error or a stack trace. */
export const INTERNAL_ERROR = /internal error|^\s+at /m;
