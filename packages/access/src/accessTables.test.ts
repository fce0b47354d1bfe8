import { readMeta, Warehouse } from '@retain/warehouse';
import { createEarlierDatabase, query, tableShapes, testDatabases } from '@retain/warehouse/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { ACCESS_TABLES, ensureAccessTables } from './accessTables.ts';
import { appendAudit, listAudit } from './audit.ts';
import { sessionUser } from './sessions.ts';
import { addUser, countUsers, listUsers, verifyCredentials } from './users.ts';

const databases = testDatabases('retain-access-tables-');
afterEach(databases.cleanup);
const newFile = databases.file;
const opened = databases.open;

/** The sign-in tables' columns and types by table, and the sequences, with their next values. */
async function accessShapes(warehouse: Warehouse): Promise<Record<string, unknown>> {
  const shapes = await tableShapes(warehouse);
  return {
    ...Object.fromEntries(ACCESS_TABLES.tables.map((table) => [table, shapes[table] ?? []])),
    sequences: await query(warehouse, 'SELECT sequence_name FROM duckdb_sequences() ORDER BY 1'),
    audit_id: await query(
      warehouse,
      `SELECT column_default FROM information_schema.columns
       WHERE table_name = 'audit_log' AND column_name = 'audit_id'`,
    ),
  };
}

describe('the sign-in tables', () => {
  it('are created by the package in a new database, as the earlier warehouse migration made them', async () => {
    const fresh = await opened(newFile());
    expect(Object.keys(await tableShapes(fresh))).not.toContain('users');
    expect(await ensureAccessTables(fresh)).toBe(true);
    expect(await fresh.read((db) => readMeta(db, 'access_schema_version'))).toBe('1');

    const file = newFile();
    await createEarlierDatabase(file);
    const earlier = await opened(file);
    const before = await accessShapes(earlier);
    expect(await ensureAccessTables(earlier)).toBe(true);

    // Both end with the same tables and sequence; the earlier one keeps its rows, untouched.
    expect(await accessShapes(fresh)).toEqual(before);
    expect(await accessShapes(earlier)).toEqual(before);
    expect(before.sequences).toEqual([{ sequence_name: 'audit_seq' }]);
    expect(await earlier.read((db) => readMeta(db, 'access_schema_version'))).toBe('1');
    expect(await earlier.read((db) => readMeta(db, 'schema_version'))).toBe('4');
    expect((await listUsers(earlier)).map((u) => [u.username, u.role, u.createdAt])).toEqual([
      ['ana', 'retention', '2024-06-01 08:00:00'],
    ]);
    expect(await query(earlier, 'SELECT token_hash, username FROM sessions')).toEqual([
      { token_hash: 'earlier-token-hash', username: 'ana' },
    ]);
    expect((await listAudit(earlier)).map((e) => [e.auditId, e.action, e.detail])).toEqual([
      [2, 'outcome', { customerId: 'C01' }],
      [1, 'login', { ok: true }],
    ]);

    // Writing goes on where each left off: the earlier audit log's numbering continues.
    for (const warehouse of [fresh, earlier]) {
      await appendAudit(warehouse, { username: 'ada', action: 'login', detail: { ok: true } });
      await addUser(warehouse, 'ada', 'admin', 'a long password 1');
    }
    expect((await listAudit(fresh)).map((e) => e.auditId)).toEqual([1]);
    expect((await listAudit(earlier)).map((e) => e.auditId)).toEqual([3, 2, 1]);
    expect((await listUsers(earlier)).map((u) => u.username)).toEqual(['ada', 'ana']);
    expect(await countUsers(fresh)).toBe(1);
  });

  it('are created before the first write by any of its functions', async () => {
    const warehouse = await opened(newFile());
    await appendAudit(warehouse, { username: null, action: 'login', detail: { ok: false } });
    expect((await listAudit(warehouse)).map((e) => e.action)).toEqual(['login']);
    expect(await warehouse.read((db) => readMeta(db, 'access_schema_version'))).toBe('1');
  });

  it('answer "no one" on a read-only open of a database they were never created in', async () => {
    const file = newFile();
    (await Warehouse.open(file, { threads: 2 })).close();
    const warehouse = await opened(file, true);
    expect(await ensureAccessTables(warehouse)).toBe(false);
    expect(await countUsers(warehouse)).toBe(0);
    expect(await listUsers(warehouse)).toEqual([]);
    expect(await verifyCredentials(warehouse, 'ana', 'a long password 1')).toBeNull();
    expect(await sessionUser(warehouse, 'some-token')).toBeNull();
    expect(await listAudit(warehouse, { action: 'login' })).toEqual([]);
    expect(Object.keys(await tableShapes(warehouse))).not.toContain('users');
  });

  it('are read as they are on a read-only open of a database made earlier', async () => {
    const file = newFile();
    await createEarlierDatabase(file);
    const warehouse = await opened(file, true);
    expect(await ensureAccessTables(warehouse)).toBe(true);
    expect(await countUsers(warehouse)).toBe(1);
    expect((await listAudit(warehouse, { username: 'ana', limit: 1 })).map((e) => e.action)).toEqual([
      'outcome',
    ]);
    expect(await warehouse.read((db) => readMeta(db, 'access_schema_version'))).toBeNull();
  });
});
