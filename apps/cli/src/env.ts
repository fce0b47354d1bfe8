import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Env, EnvError, readEnv } from '@retain/workflows/env';

/** The repository root: defaults (data/, the built web app) are found relative to it. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function settings(): Env {
  try {
    return readEnv();
  } catch (error) {
    if (!(error instanceof EnvError)) throw error;
    console.error(`error: ${error.message}`);
    process.exit(2);
  }
}

const read = settings();

/** Environment (see @retain/workflows/env), read once; a variable that cannot be used exits 2. */
export const env = {
  ...read,
  color: !read.noColor && process.stderr.isTTY === true,
  interactive: process.stderr.isTTY === true,
};

export const DEFAULT_DB = path.join(REPO_ROOT, 'data', 'retain.duckdb');

export function resolveDb(flag: string | undefined): string {
  return path.resolve(flag ?? env.db ?? DEFAULT_DB);
}
