import { z } from 'zod';
import type { Dialect } from './dialect/Dialect.ts';
import type { Db } from './query/Db.ts';
import type { Sql } from './query/sql.ts';
import { readMeta, writeMeta } from './schema.ts';
import type { Warehouse } from './Warehouse.ts';

/**
 * Tables a package owns (churn's models and scores, outreach's lists and outcomes): the package
 * creates and migrates them itself, beside the code that reads them, and the warehouse only keeps
 * their version in `meta` under the package's own key.
 */
export interface OwnedTables {
  /** What they hold, for messages: "churn model". */
  readonly owner: string;
  /** The `meta` key their version is kept under. */
  readonly versionKey: string;
  /**
   * Ordered steps, each run once; the steps a database lacks run in one transaction with their
   * version. Append new steps; never edit one. A step creates only what is missing (IF NOT EXISTS) where a database may hold
   * the tables from before they had a version of their own.
   */
  readonly steps: ReadonlyArray<(dialect: Dialect) => readonly Sql[]>;
  /** Tables and views that every reader needs: while one is missing, readers answer "none". */
  readonly tables: readonly string[];
}

/** Creates or upgrades the tables, in the caller's write (joining its transaction, if any). */
export async function migrateOwnedTables(db: Db, owned: OwnedTables): Promise<void> {
  await db.transaction(async (tx) => {
    const stored = await readMeta(tx, owned.versionKey);
    let version = stored === null ? 0 : Number(stored);
    if (version > owned.steps.length) {
      throw new Error(
        `This database's ${owned.owner} tables were written by a newer Retain (version ${version}; this build knows ${owned.steps.length}). Upgrade Retain.`,
      );
    }
    for (; version < owned.steps.length; version += 1) {
      const step = owned.steps[version];
      if (step === undefined) break;
      for (const statement of step(tx.dialect)) await tx.run(statement);
      await writeMeta(tx, owned.versionKey, String(version + 1));
    }
  });
}

/** Handles known to hold the tables: once there, a package's tables are never dropped. */
const present = new WeakMap<Db, Set<string>>();

/** Whether the tables are there to read (a read-only open of a database they were never created in). */
export async function ownedTablesExist(db: Db, owned: OwnedTables): Promise<boolean> {
  const known = present.get(db) ?? new Set<string>();
  if (known.has(owned.versionKey)) return true;
  for (const table of owned.tables) {
    if (!(await db.scalar(db.dialect.tableExists(table), z.boolean()))) return false;
  }
  known.add(owned.versionKey);
  present.set(db, known);
  return true;
}

/** Migrations already run on a warehouse this process opened for writing, by table set. */
const migrated = new WeakMap<Warehouse, Map<string, Promise<void>>>();

/**
 * Makes the tables ready before a package uses them: on a warehouse open for writing they are
 * created or upgraded (once per process and warehouse) and this answers true; on a read-only one
 * nothing can be created, and this answers whether they exist.
 */
export async function ensureOwnedTables(warehouse: Warehouse, owned: OwnedTables): Promise<boolean> {
  if (warehouse.readOnly) return warehouse.read((db) => ownedTablesExist(db, owned));
  const runs = migrated.get(warehouse) ?? new Map<string, Promise<void>>();
  migrated.set(warehouse, runs);
  let run = runs.get(owned.versionKey);
  if (!run) {
    run = warehouse.write((db) => migrateOwnedTables(db, owned));
    runs.set(owned.versionKey, run);
    // A failed migration is tried again by the next caller.
    run.catch(() => runs.delete(owned.versionKey));
  }
  await run;
  return true;
}
