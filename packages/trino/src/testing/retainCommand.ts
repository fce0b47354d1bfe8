import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The real `retain` command, started as a user would (the CLI is an app: run, never imported). */
const RETAIN_BIN = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../apps/cli/bin/retain.js',
);

export interface RetainRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `retain` with only the flags choosing the engine: the cluster suites' own variables stay
 * out; `env` adds settings a case is about (RETAIN_CURRENCY).
 */
export function retainCommand(args: string[], env: Record<string, string> = {}): RetainRun {
  const result = spawnSync(process.execPath, [RETAIN_BIN, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * What a message must not hold when a command refuses: an internal error, a stack trace, or the
 * cluster's own Java internals.
 */
export const STACK_TRACE = /internal error|^\s+at |io\.trino|Exception/m;
