import { describe, expect, it } from 'vitest';
import { sql } from './query/sql.ts';
import { openTestWarehouse, tempDir } from './testing/fixtures.ts';

describe('Warehouse', () => {
  it('runs writes one at a time, in order', async () => {
    const { dir, cleanup } = tempDir();
    const warehouse = await openTestWarehouse(dir);
    try {
      const order: number[] = [];
      await Promise.all(
        [3, 1, 2].map((n, i) =>
          warehouse.write(async (db) => {
            await db.run(sql.raw(`SELECT ${n}`));
            order.push(i);
          }),
        ),
      );
      expect(order).toEqual([0, 1, 2]);
    } finally {
      warehouse.close();
      cleanup();
    }
  });

  it('shuts down promptly while queries are still running, interrupting them', async () => {
    const { dir, cleanup } = tempDir();
    const warehouse = await openTestWarehouse(dir);
    const endless = 'SELECT count(*) FROM range(100000000000) a';
    const reading = warehouse
      .read((db) => db.run(sql.raw(endless)))
      .then(
        () => 'finished',
        () => 'interrupted',
      );
    const writing = warehouse
      .write((db) => db.run(sql.raw(endless)))
      .then(
        () => 'finished',
        () => 'interrupted',
      );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = Date.now();
    await warehouse.shutdown();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await reading).toBe('interrupted');
    expect(await writing).toBe('interrupted');
    cleanup();
  });
});
