import { spawnSync } from 'node:child_process';
import net from 'node:net';
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

/** A loopback port nothing listens on: bound, then released. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** An engine URL on a loopback port nothing listens on, and the one line a verb prints for it. */
export async function unreachableEngine(): Promise<{ url: string; line: string }> {
  const port = await closedPort();
  return {
    url: `trino://retain@127.0.0.1:${port}/lake/default`,
    line: `error: Trino at 127.0.0.1:${port} cannot be reached (ECONNREFUSED): is the cluster running, and is this the coordinator's address?`,
  };
}

/**
 * Trains a churn model with the same (default) seed on the embedded file and, from the cluster, into
 * `localDb`: the suites that compare what the scores give on both engines start here.
 */
export function trainBothWays(demo: { dbFile: string; engineUrl: string }, localDb: string): void {
  for (const args of [
    ['train', '--json', '--db', demo.dbFile],
    ['train', '--json', '--db', localDb, '--engine', demo.engineUrl],
  ]) {
    const run = retainCommand(args);
    if (run.code !== 0) throw new Error(`${args.join(' ')}: ${run.stderr}`);
  }
}
