import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { dbDay, dbNumber } from '../../query/columnTypes.ts';
import { sql } from '../../query/sql.ts';
import { openTestWarehouse, tempDir } from '../../testing/fixtures.ts';
import type { Warehouse } from '../../Warehouse.ts';

describe('the DuckDB warehouse handle', () => {
  const { dir, cleanup } = tempDir();
  let warehouse: Warehouse;
  beforeAll(async () => {
    warehouse = await openTestWarehouse(dir);
    await warehouse.write((db) => db.run(sql`CREATE TABLE t (id INTEGER, day DATE, label VARCHAR)`));
  });
  afterAll(() => {
    warehouse.close();
    cleanup();
  });

  it('returns rows validated by their schema, and names the row and column that do not fit', async () => {
    await warehouse.write((db) =>
      db.run(sql`INSERT INTO t VALUES (1, DATE '2024-03-01', 'a'), (2, NULL, 'b')`),
    );
    const rows = await warehouse.query(
      sql`SELECT id, day, count(*) OVER () AS n FROM t WHERE id = ${1}`,
      z.object({ id: dbNumber, day: dbDay, n: dbNumber }),
    );
    expect(rows).toEqual([{ id: 1, day: '2024-03-01', n: 1 }]);
    await expect(
      warehouse.query(sql`SELECT id, day FROM t ORDER BY id`, z.object({ id: dbNumber, day: dbDay })),
    ).rejects.toThrow(/result row 2: column day/);
    expect(
      await warehouse.scalar(sql`SELECT label FROM t WHERE id = ${9}`, z.string().nullable()),
    ).toBeNull();
  });

  it('keeps all of a transaction or none of it', async () => {
    const count = () => warehouse.scalar(sql`SELECT count(*) FROM t`, dbNumber);
    const before = await count();
    await expect(
      warehouse.transaction(async (db) => {
        await db.run(sql`INSERT INTO t VALUES (${3}, NULL, 'c')`);
        throw new Error('stop');
      }),
    ).rejects.toThrow('stop');
    expect(await count()).toBe(before);
    await warehouse.transaction(async (db) => {
      await db.run(sql`INSERT INTO t VALUES (${3}, NULL, 'c')`);
      // a nested transaction joins the outer one
      await db.transaction((inner) => inner.run(sql`INSERT INTO t VALUES (${4}, NULL, 'd')`));
    });
    expect(await count()).toBe(before + 2);
  });

  it('reads one snapshot: a write committed meanwhile is not seen, and a snapshot cannot write', async () => {
    const seen = await warehouse.snapshot(async (db) => {
      const first = await db.scalar(sql`SELECT count(*) FROM t`, dbNumber);
      await warehouse.write((w) => w.run(sql`INSERT INTO t VALUES (${5}, NULL, 'e')`));
      const second = await db.scalar(sql`SELECT count(*) FROM t`, dbNumber);
      return [first, second];
    });
    expect(seen[0]).toBe(seen[1]);
    await expect(warehouse.snapshot((db) => db.run(sql`DELETE FROM t`))).rejects.toThrow();
    expect(await warehouse.scalar(sql`SELECT count(*) FROM t`, dbNumber)).toBe((seen[0] ?? 0) + 1);
  });

  it('reads whole columns, appends rows, and writes a query to CSV through the dialect', async () => {
    const session = await warehouse.session();
    try {
      await session.run(sql`CREATE TEMP TABLE staged (label VARCHAR, x DOUBLE)`);
      const appender = await session.appender('staged', { temporary: true });
      for (let i = 0; i < 5000; i++) {
        appender.text(`r${i}`);
        appender.double(i / 2);
        appender.endRow();
      }
      appender.close();
      const columns = await session.columns(sql`SELECT label, x FROM staged ORDER BY x`, {
        numbers: ['x'],
        texts: ['label'],
      });
      expect(columns.rows).toBe(5000);
      expect(columns.numbers.x?.[4999]).toBe(2499.5);
      expect(columns.texts.label?.[1]).toBe('r1');
      const file = `${dir}/out.csv`;
      const written = await session.count(
        session.dialect.copyToCsv(sql`SELECT label FROM staged WHERE x < ${1}`, file, { header: true }),
      );
      expect(written).toBe(2);
      const chunks: string[] = [];
      for await (const chunk of session.streamText(sql`SELECT label FROM staged ORDER BY x LIMIT 3`)) {
        chunks.push(...chunk);
      }
      expect(chunks).toEqual(['r0', 'r1', 'r2']);
    } finally {
      session.close();
    }
  });
});
