import fs from 'node:fs';
import path from 'node:path';
import type { Warehouse } from '@retain/warehouse';
import type { Command } from 'commander';
import { DEFAULT_DB, env, resolveDb } from './env.ts';
import { UsageError } from './output/errors.ts';

/**
 * Verbs that may create the database file: those that load data into it, the server (which can
 * load demo data), and adding the first user before any data. Every other verb reads a database
 * that must exist: opening a mistyped path would create an empty one and answer "nothing".
 */
const CREATES_DATABASE = new Set(['demo', 'ingest', 'serve', 'users add']);

/** What a verb goes on to need once data is loaded, for the message when there is no database. */
const NEEDS: Record<string, { why?: string; next?: string }> = {
  train: { why: ': there are no purchases to train on' },
  score: { next: '; then `retain train` makes a model to score with' },
  'at-risk': { next: '; then `retain train` scores customers for the list' },
};

/** The verb being run, as typed ("kpis", "users add"), set before its action starts. */
let verb: string | null = null;

/** Notes the verb about to run (commander's preAction hook). */
export function noteVerb(command: Command): void {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  verb = names.join(' ');
}

/** Refuses (exit code 2) to open a database file that does not exist, unless the verb creates it. */
function requireDatabase(flag: string | undefined, file: string): void {
  if (verb === null || CREATES_DATABASE.has(verb) || fs.existsSync(file)) return;
  const where = flag !== undefined ? '--db' : env.db !== undefined ? 'RETAIN_DB' : 'the default database';
  const dbFlag = file === path.resolve(DEFAULT_DB) ? '' : ` --db ${JSON.stringify(file)}`;
  const needs = NEEDS[verb] ?? {};
  throw new UsageError(
    `No database at ${file} (${where})${needs.why ?? ''}. Check the path, or load data into it first: ` +
      `\`retain demo --out data/demo --ingest${dbFlag}\` for demo data, or \`retain ingest …${dbFlag}\` for your exports` +
      `${needs.next ?? ''}.`,
  );
}

/**
 * Opens the warehouse named by --db / RETAIN_DB / the default, runs `task`, and closes it. Only
 * the verbs that load data (and `users add`) may create the file, and those whose facts are on a
 * cluster (`create`): there the file holds only what Retain owns (a model, the audit log).
 */
export async function withWarehouse<T>(
  db: string | undefined,
  task: (warehouse: Warehouse) => Promise<T>,
  options: { create?: boolean } = {},
): Promise<T> {
  const file = resolveDb(db);
  if (!options.create) requireDatabase(db, file);
  // Loaded on demand: DuckDB's native library is not needed for --help.
  const { Warehouse } = await import('@retain/warehouse');
  const warehouse = await Warehouse.open(file);
  try {
    const { preparePackageTables } = await import('@retain/workflows');
    await preparePackageTables(warehouse);
    return await task(warehouse);
  } finally {
    warehouse.close();
  }
}
