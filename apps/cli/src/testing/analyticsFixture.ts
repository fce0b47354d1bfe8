import path from 'node:path';
import { ingest, Warehouse } from '@retain/warehouse';
import { tempDir, writeFile } from '@retain/warehouse/testing';

/**
 * A small database for the analytics verbs: three customers over January to March 2024 (data
 * ends 2024-03-10, so March is incomplete), one complaint and one return. The figures themselves
 * are tested in packages/analytics; these tests check the command line.
 */
export async function analyticsFixture(): Promise<{ db: string; cleanup: () => void }> {
  const { dir, cleanup } = tempDir('retain-cli-analytics-');
  const purchases = writeFile(
    dir,
    'purchases.csv',
    [
      'order_id,customer_id,order_date,amount,channel',
      'O1,C1,2024-01-05 10:00:00,100,web',
      'O2,C1,2024-02-05 10:00:00,50,web',
      'O3,C2,2024-01-20 10:00:00,80,store',
      'O4,C3,2024-02-10 10:00:00,40,web',
      'O5,C3,2024-03-10 10:00:00,40,web',
    ].join('\n'),
  );
  const complaints = writeFile(
    dir,
    'complaints.csv',
    'complaint_id,customer_id,opened_at,resolved_at\nK1,C2,2024-01-22 10:00:00,2024-01-23 10:00:00\n',
  );
  const returns = writeFile(
    dir,
    'returns.csv',
    'return_id,customer_id,returned_at,amount\nR1,C1,2024-02-07 10:00:00,20\n',
  );
  const db = path.join(dir, 'analytics.duckdb');
  const warehouse = await Warehouse.open(db, { threads: 2 });
  try {
    await ingest(warehouse, [
      { section: 'purchases', file: purchases },
      { section: 'complaints', file: complaints },
      { section: 'returns', file: returns },
    ]);
  } finally {
    warehouse.close();
  }
  return { db, cleanup };
}
