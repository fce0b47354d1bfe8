import { csvField } from '@retain/schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { csvLineSql, csvNumberSql, csvTextSql } from './csvSql.ts';
import { sql } from './query/sql.ts';
import { Warehouse } from './Warehouse.ts';

/** DuckDB's text for each value, formatted by `format` from a one-column table `t(v)`. */
async function formatted(
  warehouse: Warehouse,
  type: 'VARCHAR' | 'DOUBLE',
  values: readonly (string | number | null)[],
  format: (column: string) => string,
): Promise<string[]> {
  return warehouse.read(async (db) => {
    await db.run(sql.raw(`CREATE OR REPLACE TEMP TABLE t (i INTEGER, v ${type})`));
    const tuples = values.map((_, i) => `($i${i}, CAST($v${i} AS ${type}))`).join(', ');
    const params: Record<string, string | number | null> = {};
    values.forEach((v, i) => {
      params[`i${i}`] = i;
      // Numbers travel as text, which DuckDB reads back as the same double (-0, NaN and inf too).
      params[`v${i}`] =
        typeof v === 'number' ? (Object.is(v, -0) ? '-0' : String(v).replace('Infinity', 'inf')) : v;
    });
    await db.run(sql.named(`INSERT INTO t VALUES ${tuples}`, params));
    const rows = await db.query(
      sql.raw(`SELECT ${format('v')} AS text FROM t ORDER BY i`),
      z.object({ text: z.string() }),
    );
    return rows.map(({ text }) => text);
  });
}

describe('CSV cells written by DuckDB', () => {
  let warehouse: Warehouse;
  beforeAll(async () => {
    warehouse = await Warehouse.open(':memory:');
  });
  afterAll(() => warehouse.close());

  it('writes text exactly as csvField does: formulas neutralised, quotes where RFC 4180 needs them', async () => {
    const texts = [
      null,
      '',
      'plain',
      'Zoë Ünicode 你好',
      '=HYPERLINK("http://evil.example","click")',
      '+44 20 7946 0001',
      '-5551234',
      '@evil.example',
      '\tindented',
      '\rreturn',
      '=',
      'a,b',
      'say "hi"',
      'two\nlines',
      'crlf\r\nline',
      "it's",
      ' leading space',
      'x=1+1',
      '"quoted"',
      'a | b',
    ];
    expect(await formatted(warehouse, 'VARCHAR', texts, csvTextSql)).toEqual(texts.map((t) => csvField(t)));
  });

  it('writes numbers as JavaScript does, for the magnitudes the list rounds to', async () => {
    const numbers = [
      null,
      0,
      -0,
      1,
      -1,
      0.5,
      0.0001,
      0.9999,
      0.1235,
      1000,
      1000.02,
      1234.5,
      -42.17,
      123456789.12,
      9007199254740991,
      1e15,
      1.5e17,
      9e20,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
    ];
    expect(await formatted(warehouse, 'DOUBLE', numbers, csvNumberSql)).toEqual(
      numbers.map((n) => csvField(n)),
    );
  });

  it('joins cells into one line, empty cells included', async () => {
    const [line] = await formatted(warehouse, 'VARCHAR', ['a,b'], (v) =>
      csvLineSql([csvTextSql(v), csvTextSql('NULL::VARCHAR'), csvNumberSql('2.5::DOUBLE'), '7::VARCHAR']),
    );
    expect(line).toBe('"a,b",,2.5,7');
  });
});
