import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** The repository root: defaults (data/, the built web app) are found relative to it. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const schema = z.object({
  RETAIN_DB: z.string().min(1).optional(),
  RETAIN_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  RETAIN_HOST: z.string().min(1).optional(),
  NO_COLOR: z.string().optional(),
});

const parsed = schema.safeParse(process.env);
if (!parsed.success) {
  const issue = parsed.error.issues[0];
  console.error(`error: environment variable ${issue?.path.join('.')}: ${issue?.message}`);
  process.exit(2);
}

/** Environment, read once and validated; nothing else reads process.env. */
export const env = {
  db: parsed.data.RETAIN_DB,
  port: parsed.data.RETAIN_PORT,
  host: parsed.data.RETAIN_HOST,
  color: parsed.data.NO_COLOR === undefined && process.stderr.isTTY === true,
  interactive: process.stderr.isTTY === true,
};

export const DEFAULT_DB = path.join(REPO_ROOT, 'data', 'retain.duckdb');

export function resolveDb(flag: string | undefined): string {
  return path.resolve(flag ?? env.db ?? DEFAULT_DB);
}
