import { afterEach, describe, expect, it } from 'vitest';
import { readMeta, SCHEMA_VERSION } from './schema.ts';
import { createEarlierDatabase, query, tableShapes, testDatabases } from './testing/fixtures.ts';

const WAREHOUSE_TABLES = [
  'complaints',
  'customers',
  'ingest_batches',
  'meta',
  'purchases',
  'returns',
  'saved_queries',
];
const PACKAGE_TABLES = [
  'audit_log',
  'contact_outcomes',
  'latest_scores',
  'models',
  'score_runs',
  'scores',
  'sessions',
  'users',
];

const databases = testDatabases();
afterEach(databases.cleanup);
const file = databases.file;
const opened = databases.open;

describe('the warehouse schema', () => {
  it("creates only the warehouse's own tables in a new database", async () => {
    const warehouse = await opened(file());
    expect(Object.keys(await tableShapes(warehouse)).sort()).toEqual(WAREHOUSE_TABLES);
    // Nor the audit log's sequence: @retain/access makes it with its table.
    expect(await query(warehouse, 'SELECT sequence_name FROM duckdb_sequences()')).toEqual([]);
    expect(await warehouse.read((db) => readMeta(db, 'schema_version'))).toBe(String(SCHEMA_VERSION));
  });

  it('opens a database made by the earlier migrations unchanged, its package tables and rows kept', async () => {
    const at = file();
    await createEarlierDatabase(at);
    for (const readOnly of [false, true]) {
      const warehouse = await opened(at, readOnly);
      expect(Object.keys(await tableShapes(warehouse)).sort()).toEqual(
        [...WAREHOUSE_TABLES, ...PACKAGE_TABLES].sort(),
      );
      expect(await warehouse.read((db) => readMeta(db, 'schema_version'))).toBe('4');
      expect(await query(warehouse, 'SELECT customer_id, segment FROM latest_scores')).toEqual([
        { customer_id: 'C01', segment: 'At risk' },
      ]);
      expect(await query(warehouse, 'SELECT customer_id, outcome FROM contact_outcomes')).toEqual([
        { customer_id: 'C01', outcome: 'reached' },
      ]);
      expect(await query(warehouse, 'SELECT username, role FROM users')).toEqual([
        { username: 'ana', role: 'retention' },
      ]);
      expect(await query(warehouse, 'SELECT audit_id, action FROM audit_log ORDER BY audit_id')).toEqual([
        { audit_id: 1, action: 'login' },
        { audit_id: 2, action: 'outcome' },
      ]);
      warehouse.close();
    }
  });
});
