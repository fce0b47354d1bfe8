import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ensureOwnedTables, migrateOwnedTables, type OwnedTables, ownedTablesExist } from './ownedTables.ts';
import { sql } from './query/sql.ts';
import { readMeta } from './schema.ts';
import { query, testDatabases } from './testing/fixtures.ts';

const databases = testDatabases();
afterEach(databases.cleanup);
const file = databases.file;
const opened = databases.open;

/** A package's tables as the packages declare them, two steps. */
const NOTES: OwnedTables = {
  owner: 'note',
  versionKey: 'notes_schema_version',
  tables: ['notes'],
  steps: [
    () => [sql`CREATE TABLE IF NOT EXISTS notes (id INTEGER, body VARCHAR)`],
    (dialect) => [sql`ALTER TABLE notes ADD COLUMN written ${sql.raw(dialect.typeName('timestamp'))}`],
  ],
};

describe('tables a package owns', () => {
  it('are created once, versioned under their own key, and found afterwards', async () => {
    const warehouse = await opened(file());
    expect(await warehouse.read((db) => ownedTablesExist(db, NOTES))).toBe(false);
    await warehouse.write((db) => migrateOwnedTables(db, NOTES));
    await warehouse.write((db) => db.run(sql`INSERT INTO notes VALUES (1, 'kept', NULL)`));
    // Again: nothing runs twice, the row stays.
    await warehouse.write((db) => migrateOwnedTables(db, NOTES));
    expect(await ensureOwnedTables(warehouse, NOTES)).toBe(true);
    expect(await warehouse.read((db) => readMeta(db, NOTES.versionKey))).toBe('2');
    expect(await query(warehouse, 'SELECT id, body FROM notes')).toEqual([{ id: 1, body: 'kept' }]);
    expect(await warehouse.read((db) => ownedTablesExist(db, NOTES))).toBe(true);
  });

  it('are left alone, and all or none of a step applied, when a step fails', async () => {
    const warehouse = await opened(file());
    const broken: OwnedTables = { ...NOTES, steps: [NOTES.steps[0] ?? (() => []), () => [sql`NOT SQL`]] };
    await expect(warehouse.write((db) => migrateOwnedTables(db, broken))).rejects.toThrow();
    expect(await warehouse.read((db) => ownedTablesExist(db, NOTES))).toBe(false);
    expect(await warehouse.read((db) => readMeta(db, NOTES.versionKey))).toBeNull();
  });

  it('refuse a database written by a newer build', async () => {
    const warehouse = await opened(file());
    await warehouse.write((db) => migrateOwnedTables(db, NOTES));
    const older: OwnedTables = { ...NOTES, steps: NOTES.steps.slice(0, 1) };
    await expect(warehouse.write((db) => migrateOwnedTables(db, older))).rejects.toThrow(
      /note tables were written by a newer Retain \(version 2; this build knows 1\)/,
    );
  });

  it('are looked for, not created, on a read-only open', async () => {
    const at = file();
    (await opened(at)).close();
    const reader = await opened(at, true);
    expect(await ensureOwnedTables(reader, NOTES)).toBe(false);
    expect(
      await reader.scalar(sql`SELECT count(*) = 0 FROM meta WHERE key = ${NOTES.versionKey}`, z.boolean()),
    ).toBe(true);
  });
});
