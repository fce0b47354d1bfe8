import { readMeta, sql, type Warehouse } from '@retain/warehouse';
import { createEarlierDatabase, query, tableShapes, testDatabases } from '@retain/warehouse/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { outcomesOf, recordOutcome } from './contactOutcomes.ts';
import { ensureOutreachTables, OUTCOME_TABLES, PROGRAM_TABLES } from './program/programTables.ts';
import { listCallLists } from './program/savedLists.ts';

const databases = testDatabases('retain-outreach-tables-');
afterEach(databases.cleanup);
const newFile = databases.file;
const opened = databases.open;

const OUTREACH_TABLES = [...OUTCOME_TABLES.tables, ...PROGRAM_TABLES.tables];

async function outreachShapes(warehouse: Warehouse): Promise<Record<string, string[]>> {
  const shapes = await tableShapes(warehouse);
  return Object.fromEntries(OUTREACH_TABLES.map((table) => [table, shapes[table] ?? []]));
}

describe('the outreach tables', () => {
  it('are created by the package, the same in a new database as in one the earlier migrations made', async () => {
    const fresh = await opened(newFile());
    expect(Object.keys(await tableShapes(fresh))).not.toContain('contact_outcomes');
    await fresh.write((db) => db.run(sql`INSERT INTO customers (customer_id, batch_id) VALUES ('C01', 1)`));
    // The first outcome recorded creates the table.
    await recordOutcome(fresh, {
      customerId: 'C01',
      outcome: 'reached',
      by: 'ana',
      at: new Date('2024-07-02T09:30:00Z'),
    });
    expect(await ensureOutreachTables(fresh)).toBe(true);

    const file = newFile();
    await createEarlierDatabase(file);
    const earlier = await opened(file);
    const before = (await tableShapes(earlier)).contact_outcomes;
    expect(await ensureOutreachTables(earlier)).toBe(true);

    expect(await outreachShapes(earlier)).toEqual(await outreachShapes(fresh));
    expect((await outreachShapes(earlier)).contact_outcomes).toEqual(before);
    for (const warehouse of [fresh, earlier]) {
      expect(await outcomesOf(warehouse, 'C01')).toMatchObject([
        { customerId: 'C01', contactedAt: '2024-07-02T09:30:00.000Z', outcome: 'reached' },
      ]);
      expect(await warehouse.read((db) => readMeta(db, OUTCOME_TABLES.versionKey))).toBe('1');
      expect(await warehouse.read((db) => readMeta(db, PROGRAM_TABLES.versionKey))).toBe('1');
    }
    expect(await query(earlier, 'SELECT note, recorded_by FROM contact_outcomes')).toEqual([
      { note: 'Called back', recorded_by: 'ana' },
    ]);
  });

  it('are missing from a read-only open of a new database: readers answer "none"', async () => {
    const file = newFile();
    (await opened(file)).close();
    const warehouse = await opened(file, true);
    expect(await ensureOutreachTables(warehouse)).toBe(false);
    expect(await outcomesOf(warehouse, 'C01')).toEqual([]);
    expect(await listCallLists(warehouse)).toEqual([]);
  });

  it('are read as they are by a read-only open of a database made earlier', async () => {
    const file = newFile();
    await createEarlierDatabase(file);
    const warehouse = await opened(file, true);
    expect(await outcomesOf(warehouse, 'C01')).toMatchObject([{ note: 'Called back', recordedBy: 'ana' }]);
    expect(await listCallLists(warehouse)).toEqual([]);
  });
});
