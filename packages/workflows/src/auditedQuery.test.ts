import { listAudit } from '@retain/access';
import { ingest, QueryError, secureForConsole, type Warehouse } from '@retain/warehouse';
import { openTestWarehouse, tempDir, writeFile } from '@retain/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAuditedQuery } from './auditedQuery.ts';

let warehouse: Warehouse;
let cleanup: () => void;
beforeAll(async () => {
  const dir = tempDir('retain-audited-query-');
  cleanup = dir.cleanup;
  warehouse = await openTestWarehouse(dir.dir);
  const purchases = writeFile(
    dir.dir,
    'purchases.csv',
    'order_id,customer_id,order_date,amount\nO1,C1,2024-01-05,10\nO2,C2,2024-01-06,20\n',
  );
  await ingest(warehouse, [{ section: 'purchases', file: purchases }]);
  await secureForConsole(warehouse, { memoryLimit: '1GB' });
});
afterAll(() => {
  warehouse?.close();
  cleanup?.();
});

const sqlEntries = () => listAudit(warehouse, { action: 'sql' });

describe('runAuditedQuery', () => {
  it('returns the rows and audits the statement with who asked, the rows and where they went', async () => {
    const result = await runAuditedQuery(warehouse, 'SELECT sum(amount) AS total FROM purchases', {
      rowCap: 10,
      access: 'full',
      requester: { username: null, via: 'cli', detail: { osUser: 'ada' } },
      detail: { output: 'json' },
    });
    expect(result.rows).toEqual([[30]]);
    const [entry] = await sqlEntries();
    expect(entry?.username).toBeNull();
    expect(entry?.detail).toMatchObject({
      via: 'cli',
      osUser: 'ada',
      sql: 'SELECT sum(amount) AS total FROM purchases',
      rows: 1,
      truncated: false,
      output: 'json',
    });
  });

  it('says when the row cap cut the result', async () => {
    const result = await runAuditedQuery(warehouse, 'SELECT order_id FROM purchases ORDER BY 1', {
      rowCap: 1,
      access: 'full',
      requester: { username: 'ada', via: 'api' },
    });
    expect(result).toMatchObject({ rows: [['O1']], truncated: true });
    const [entry] = await sqlEntries();
    expect(entry).toMatchObject({ username: 'ada', detail: { via: 'api', rows: 1, truncated: true } });
  });

  it('audits a refused statement with how it failed, and throws the QueryError', async () => {
    const error = await runAuditedQuery(warehouse, 'DELETE FROM purchases', {
      rowCap: 10,
      access: 'masked',
      requester: { username: 'bob', via: 'api' },
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(QueryError);
    expect((error as QueryError).kind).toBe('refused');
    const [entry] = await sqlEntries();
    expect(entry).toMatchObject({
      username: 'bob',
      detail: { via: 'api', sql: 'DELETE FROM purchases', rows: 0, outcome: 'refused' },
    });
  });
});
