import fs from 'node:fs';
import path from 'node:path';
import { type Db, type Dialect, type Sql, sql, Warehouse } from '@retain/warehouse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { EngineError } from './engineError.ts';
import { parseTrinoUrl } from './engineUrl.ts';
import { TrinoDb } from './TrinoDb.ts';
import { testCluster } from './testing/cluster.ts';

const cluster = testCluster();
const row = z.record(z.string(), z.unknown());

/** Seeded rows that reach the corners: month ends, leap days, Sundays and Mondays, NULLs, negatives. */
function caseRows(count: number) {
  let seed = 20240229;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const base = Date.UTC(2019, 0, 1);
  const span = Date.UTC(2026, 11, 31) - base;
  const corners = ['2024-02-29', '2024-01-31', '2024-03-31', '2023-12-31', '2024-01-07', '2024-01-08'];
  return Array.from({ length: count }, (_, id) => {
    const a = corners[id % 13] ?? day(base + Math.floor(next() * span));
    const b = corners[(id + 3) % 17] ?? day(base + Math.floor(next() * span));
    const ts = new Date(base + Math.floor(next() * span)).toISOString().replace('T', ' ').replace('Z', '');
    const ts2 = new Date(base + Math.floor(next() * span)).toISOString().replace('T', ' ').replace('Z', '');
    const value = id % 11 === 0 ? null : Math.round((next() - 0.4) * 1e6) / 100;
    return {
      id,
      d: a,
      d2: b,
      ts,
      ts2,
      v: value,
      k: (id * 7919) % 10007,
      g: `g${id % 7}`,
      t: ['', 'a', 'a,b', 'x,,y', 'one,two,three'][id % 5] ?? '',
      n: Math.round((next() - 0.5) * 2000),
    };
  });
}

const PARTS = ['day', 'week', 'month', 'quarter', 'year'] as const;

/** One query using every per-row construct of a dialect, the same for both engines. */
function perRow(d: Dialect): Sql {
  const c = (name: string) => sql.raw(name);
  const columns: Sql[] = [sql`id`];
  for (const part of PARTS) {
    columns.push(sql`${d.dateTrunc(part, c('d'))} AS ${sql.raw(`trunc_d_${part}`)}`);
    columns.push(sql`${d.dateTrunc(part, c('ts'))} AS ${sql.raw(`trunc_ts_${part}`)}`);
    columns.push(sql`${d.dateDiff(part, c('d'), c('d2'))} AS ${sql.raw(`diff_d_${part}`)}`);
    columns.push(sql`${d.dateDiff(part, c('ts'), c('ts2'))} AS ${sql.raw(`diff_ts_${part}`)}`);
  }
  columns.push(sql`${d.addDays(c('d'), c('n'))} AS add_days`);
  columns.push(sql`${d.epochSeconds(c('ts'))} AS epoch_seconds`);
  columns.push(sql`${d.epochDays(c('d'))} AS epoch_days`);
  columns.push(sql`${d.isoDay(c('ts'))} AS iso_day`);
  columns.push(sql`${d.isoInstant(c('ts'))} AS iso_instant`);
  columns.push(sql`${d.cast(c('n'), 'double')} / 8 AS cast_double`);
  columns.push(sql`${d.cast(c('id'), 'varchar')} AS cast_text`);
  columns.push(sql`${d.splitToList(c('t'), sql`','`, 'varchar')} AS split_list`);
  columns.push(sql`${d.regexpMatch(c('t'), '[a-z]+(,[a-z]+)*', 'whole')} AS regexp_whole`);
  columns.push(sql`${d.regexpMatch(c('t'), ',,|^o', 'part')} AS regexp_part`);
  columns.push(sql`${d.oneOf(c('g'), ['g1', 'g4'])} AS one_of`);
  columns.push(sql`${d.regexpReplaceAll(c('t'), '(?i)[,\\s]+', ' | ')} AS regexp_replaced`);
  const rules = (lo: number, hi: number) =>
    d.record([
      ['code', sql.raw(`'${lo}${hi}'`), 'varchar'],
      ['lo', sql.raw(String(lo)), 'integer'],
      ['hi', sql.raw(String(hi)), 'integer'],
    ]);
  const entries = [
    ['g1', rules(1, 5)],
    ['g3', rules(3, 30)],
    ['g5', rules(0, 9)],
  ] as const;
  columns.push(sql`${d.lookup(c('g'), entries)}.code AS lookup_text`);
  columns.push(sql`${d.lookup(c('g'), entries)}.hi - ${d.lookup(c('g'), entries)}.lo AS lookup_span`);
  columns.push(
    sql`${d.lookup(c('t'), [
      ['a', sql`'one'`],
      ['a,b', sql`'two'`],
    ])} AS lookup_value`,
  );
  return sql`SELECT ${sql.join(columns)} FROM dialect_cases ORDER BY id`;
}

/** The aggregate constructs, grouped. */
function grouped(d: Dialect): Sql {
  return sql`SELECT g,
      ${d.argMin(sql.raw('v'), sql.raw('k'))} AS v_at_min_k,
      ${d.argMax(sql.raw('v'), sql.raw('k'))} AS v_at_max_k,
      ${d.filtered(sql`count(*)`, sql`v > 0`)} AS positives,
      ${d.filtered(sql`sum(v)`, sql`v < 0`)} AS negative_sum,
      ${d.median(sql.raw('v'))} AS median_v,
      ${d.median(sql.raw('v'), sql`n > 0`)} AS median_v_positive_n,
      count(*) AS n
    FROM dialect_cases ${d.groupByFirst(1)} ORDER BY g`;
}

function normalise(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(normalise);
  return value;
}

function expectSameRows(duck: Record<string, unknown>[], trino: Record<string, unknown>[]) {
  expect(trino.length).toBe(duck.length);
  let compared = 0;
  duck.forEach((expectedRow, i) => {
    const actualRow = trino[i] ?? {};
    for (const [column, raw] of Object.entries(expectedRow)) {
      const expected = normalise(raw);
      const actual = normalise(actualRow[column]);
      if (typeof expected === 'number' && typeof actual === 'number' && !Number.isInteger(expected)) {
        expect(Math.abs(actual - expected), `row ${i} ${column}`).toBeLessThanOrEqual(
          1e-9 * Math.max(1, Math.abs(expected)),
        );
      } else {
        expect(actual, `row ${i} ${column}`).toEqual(expected);
      }
      compared += 1;
    }
  });
  return compared;
}

describe.skipIf(cluster === null)('Trino engine on a two-node cluster', () => {
  const target = cluster ? parseTrinoUrl(cluster.url) : null;
  const trino = target ? new TrinoDb(target) : null;
  let warehouse: Warehouse;
  let duck: <T>(task: (db: Db) => Promise<T>) => Promise<T>;

  beforeAll(async () => {
    if (!cluster || !trino) return;
    warehouse = await Warehouse.open(':memory:');
    duck = (task) => warehouse.write(task);
    const rows = caseRows(2400);
    const folder = path.join(cluster.lake, 'conformance', 'dialect_cases');
    fs.rmSync(folder, { recursive: true, force: true });
    fs.mkdirSync(folder, { recursive: true });
    const file = path.join(folder, 'part-0.parquet');
    await duck(async (db) => {
      await db.run(
        sql`CREATE TABLE dialect_cases (id BIGINT, d DATE, d2 DATE, ts TIMESTAMP, ts2 TIMESTAMP, v DOUBLE, k BIGINT, g VARCHAR, t VARCHAR, n INTEGER)`,
      );
      for (let i = 0; i < rows.length; i += 400) {
        const values = rows
          .slice(i, i + 400)
          .map(
            (r) =>
              sql`(${r.id}, CAST(${r.d} AS DATE), CAST(${r.d2} AS DATE), CAST(${r.ts} AS TIMESTAMP), CAST(${r.ts2} AS TIMESTAMP), ${r.v}, ${r.k}, ${r.g}, ${r.t}, ${r.n})`,
          );
        await db.run(sql`INSERT INTO dialect_cases VALUES ${sql.join(values)}`);
      }
      await db.run(db.dialect.copyToParquet(sql`SELECT * FROM dialect_cases`, file));
    });
    await trino.run(sql`DROP TABLE IF EXISTS dialect_cases`);
    await trino.run(
      sql`CREATE TABLE dialect_cases (id bigint, d date, d2 date, ts timestamp(6), ts2 timestamp(6), v double, k bigint, g varchar, t varchar, n integer)
          WITH (external_location = 'local:///conformance/dialect_cases', format = 'PARQUET')`,
    );
  });

  afterAll(async () => {
    await trino?.run(sql`DROP TABLE IF EXISTS dialect_cases`).catch(() => {});
    warehouse?.close();
  });

  it('has its coordinator and a worker active', async () => {
    const nodes = await trino?.query(sql`SELECT node_id, coordinator, state FROM system.runtime.nodes`, row);
    const active = (nodes ?? []).filter((n) => n.state === 'active');
    expect(active.filter((n) => n.coordinator === true)).toHaveLength(1);
    expect(active.filter((n) => n.coordinator === false).length).toBeGreaterThanOrEqual(1);
  });

  it('gives every per-row construct of the dialect the value DuckDB gives, row for row', async () => {
    if (!trino) return;
    const expected = await duck((db) => db.query(perRow(db.dialect), row));
    const actual = await trino.query(perRow(trino.dialect), row);
    const compared = expectSameRows(expected, actual);
    expect(compared).toBe(2400 * Object.keys(expected[0] ?? {}).length);
  });

  it('gives every aggregate construct the value DuckDB gives', async () => {
    if (!trino) return;
    const expected = await duck((db) => db.query(grouped(db.dialect), row));
    const actual = await trino.query(grouped(trino.dialect), row);
    expect(expected).toHaveLength(7);
    expectSameRows(expected, actual);
  });

  it('binds values as typed literals, quotes included', async () => {
    if (!trino) return;
    const tricky = "O'Brien; DROP TABLE dialect_cases --";
    const value = await trino.scalar(sql`SELECT ${tricky} || ${'!'}`, z.string());
    expect(value).toBe(`${tricky}!`);
    const numbers = await trino.first(
      sql`SELECT ${0.5} * 2 AS half, ${3} + 4 AS whole, ${null} IS NULL AS missing`,
      row,
    );
    expect(numbers).toEqual({ half: 1, whole: 7, missing: true });
  });

  it('ran the scans on the worker', async () => {
    if (!trino) return;
    await trino.query(sql`SELECT g, count(*) AS n FROM dialect_cases GROUP BY g`, row);
    const tasks = await trino.query(
      sql`SELECT n.coordinator, count(*) AS tasks FROM system.runtime.tasks t JOIN system.runtime.nodes n ON n.node_id = t.node_id GROUP BY n.coordinator`,
      row,
    );
    const onWorkers = tasks.find((t) => t.coordinator === false);
    expect(Number(onWorkers?.tasks ?? 0)).toBeGreaterThan(0);
  });

  it('names a missing table, a missing column, an unreachable cluster and the memory limit', async () => {
    if (!trino || !target) return;
    const failure = async (run: () => Promise<unknown>) => {
      try {
        await run();
      } catch (error) {
        return error as EngineError;
      }
      throw new Error('expected a failure');
    };
    const table = await failure(() => trino.query(sql`SELECT * FROM lake.sales.order_lines`, row));
    expect(table).toBeInstanceOf(EngineError);
    expect(table.code).toBe('engine_table_missing');
    expect(table.configuration).toBe(true);
    expect(table.message).toMatch(/Trino at 127\.0\.0\.1:\d+/);

    const column = await failure(() => trino.query(sql`SELECT order_total FROM dialect_cases`, row));
    expect(column.code).toBe('engine_column_missing');
    expect(column.message).toContain('order_total');

    const away = new TrinoDb({ ...target, port: 1, server: 'http://127.0.0.1:1' });
    const unreachable = await failure(() => away.query(sql`SELECT 1`, row));
    expect(unreachable.code).toBe('engine_unreachable');
    expect(unreachable.configuration).toBe(false);

    // The cluster-wide limit is checked periodically: 16 million distinct values outgrow it (or a
    // node's) before the query can end, where 4 million sometimes finished in between.
    const small = new TrinoDb(target, { session: { query_max_memory: '1MB' } });
    const memory = await failure(() =>
      small.query(
        sql`SELECT count(DISTINCT a * 100000 + b) AS n FROM UNNEST(sequence(1, 4000)) AS x(a) CROSS JOIN UNNEST(sequence(1, 4000)) AS y(b)`,
        row,
      ),
    );
    expect(memory.code).toBe('engine_memory');
    expect(memory.configuration).toBe(false);
  });
});
