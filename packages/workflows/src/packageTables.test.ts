import { countUsers, listAudit } from '@retain/access';
import { consoleTables, readMeta, readOnlyQuery, secureForConsole } from '@retain/warehouse';
import { openTestWarehouse, tempDir } from '@retain/warehouse/testing';
import { expect, it } from 'vitest';
import { preparePackageTables } from './packageTables.ts';

it("gives a new database the packages' tables before the console's views are made over them", async () => {
  const { dir, cleanup } = tempDir('retain-package-tables-');
  const warehouse = await openTestWarehouse(dir);
  try {
    await preparePackageTables(warehouse);
    // Twice, as the API and a CLI verb may: nothing changes.
    await preparePackageTables(warehouse);
    await secureForConsole(warehouse, { memoryLimit: '1GB' });
    const names = (await consoleTables(warehouse, 'full')).map((t) => t.name);
    expect(names).toEqual(
      expect.arrayContaining(['models', 'scores', 'latest_scores', 'contact_outcomes', 'customers']),
    );
    const scores = await readOnlyQuery(warehouse, 'SELECT count(*) AS n FROM latest_scores');
    expect(scores.rows).toEqual([[0]]);
    // The sign-in tables too, which the console never shows.
    expect(await warehouse.read((db) => readMeta(db, 'access_schema_version'))).toBe('1');
    expect(names).not.toContain('users');
    expect(await countUsers(warehouse)).toBe(0);
    expect(await listAudit(warehouse)).toEqual([]);
  } finally {
    warehouse.close();
    cleanup();
  }
});
