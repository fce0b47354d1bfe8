import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BadInputError } from '../errors.ts';
import { sql } from '../query/sql.ts';
import { openTestWarehouse, query, snapshot, tempDir, writeFile } from '../testing/fixtures.ts';
import type { Warehouse } from '../Warehouse.ts';
import { ingest } from './ingest.ts';
import { mappingToRequests } from './mappingFile.ts';

let dir: string;
let cleanup: () => void;
let warehouse: Warehouse;

beforeEach(async () => {
  ({ dir, cleanup } = tempDir());
  warehouse = await openTestWarehouse(dir);
});
afterEach(() => {
  warehouse.close();
  cleanup();
});

const COLUMNS = { order_id: 'Beleg', customer_id: 'Kunde', order_date: 'Datum', amount: 'Betrag' };

/** Loads amounts written one per line (`;`-delimited, so commas stay in the value). */
function orders(amounts: readonly string[], separators: Record<string, string>) {
  const lines = amounts.map((a, i) => `O${i + 1};C1;2024-01-0${(i % 9) + 1};${a}`);
  writeFile(dir, 'exports/orders.csv', ['Beleg;Kunde;Datum;Betrag', ...lines, ''].join('\n'));
  return mappingToRequests(
    { purchases: { file: 'orders.csv', columns: COLUMNS, ...separators } },
    `${dir}/exports`,
  ).map((r) => ({ ...r, origin: `${dir}/exports/mapping.json` }));
}

async function amounts(): Promise<number[]> {
  const rows = await query(warehouse, 'SELECT amount FROM purchases ORDER BY order_id');
  return rows.map((r) => Number(r.amount));
}

describe('thousands separators', () => {
  it.each([
    [
      'a point between thousands and a decimal comma',
      { decimalSeparator: ',', thousandsSeparator: '.' },
      ['1.234,50', '12,00', '1.000.000,00', '-1.234,5', '1234,5', '7'],
      [1234.5, 12, 1_000_000, -1234.5, 1234.5, 7],
    ],
    [
      'a space (also no-break and narrow no-break) and a decimal comma',
      { decimalSeparator: ',', thousandsSeparator: ' ' },
      ['1 234,50', '1\u00a0234,50', '1\u202f234,50', '999,99'],
      [1234.5, 1234.5, 1234.5, 999.99],
    ],
    [
      'an apostrophe and a decimal point',
      { decimalSeparator: '.', thousandsSeparator: "'" },
      ["1'234.50", '1\u2019234.50', '12.5'],
      [1234.5, 1234.5, 12.5],
    ],
    [
      'a comma between thousands and a decimal point',
      { decimalSeparator: '.', thousandsSeparator: ',' },
      ['1,234.00', '12,345,678.9', '0.5'],
      [1234, 12_345_678.9, 0.5],
    ],
  ])('reads %s', async (_name, separators, written, expected) => {
    const summary = await ingest(warehouse, orders(written, separators));
    expect(summary.purchases.inserted).toBe(written.length);
    expect(await amounts()).toEqual(expected);
  });

  it('reads 1.234 as 1234 with "." between thousands and a decimal comma, as 1.234 with a decimal point', async () => {
    await ingest(warehouse, orders(['1.234'], { decimalSeparator: ',', thousandsSeparator: '.' }));
    expect(await amounts()).toEqual([1234]);
    await warehouse.write((db) => db.run(sql.raw('DELETE FROM purchases')));
    await ingest(warehouse, orders(['1.234'], { decimalSeparator: '.' }));
    expect(await amounts()).toEqual([1.234]);
  });

  it('refuses values that do not fit the declared pattern, with line and value, and loads nothing', async () => {
    const before = await snapshot(warehouse);
    const error = (await ingest(
      warehouse,
      orders(['1.234,50', '12.34', '1,234.50', '1.23,4', '1 234,50', '12,5'], {
        decimalSeparator: ',',
        thousandsSeparator: '.',
      }),
    ).catch((e: unknown) => e)) as BadInputError;
    expect(error.message).toBe('4 problems in 1 file; nothing was loaded.');
    expect(error.issues.map((i) => [i.line, i.value, i.code, i.field])).toEqual([
      [3, '12.34', 'number', 'thousandsSeparator'],
      [4, '1,234.50', 'number', 'thousandsSeparator'],
      [5, '1.23,4', 'number', 'thousandsSeparator'],
      [6, '1 234,50', 'number', 'thousandsSeparator'],
    ]);
    expect(error.issues[0]).toMatchObject({
      column: 'Betrag',
      reason: 'not a number written like 1.234,50 (decimal comma, "." between thousands)',
    });
    expect(await snapshot(warehouse)).toEqual(before);
  });

  it('with a decimal comma and no thousands separator, refuses 1.234 instead of reading 1.234', async () => {
    const error = (await ingest(warehouse, orders(['12,50', '1.234'], { decimalSeparator: ',' })).catch(
      (e: unknown) => e,
    )) as BadInputError;
    expect(error.issues).toEqual([
      expect.objectContaining({
        line: 3,
        value: '1.234',
        reason: 'not a number (digits and a decimal comma, e.g. 1234,50)',
        code: 'number',
        field: 'decimalSeparator',
      }),
    ]);
  });

  it('refuses the same character as decimal and thousands separator, naming the mapping field', async () => {
    const error = (await ingest(
      warehouse,
      orders(['1,5'], { decimalSeparator: ',', thousandsSeparator: ',' }),
    ).catch((e: unknown) => e)) as BadInputError;
    expect(error.message).toMatch(
      /^mapping\.json: purchases\.thousandsSeparator "," is also the decimal separator/,
    );
    expect(error.detail).toMatchObject({ code: 'invalidSetting', field: 'thousandsSeparator' });
  });

  it('is refused by the mapping file schema when not one of . , space apostrophe', () => {
    expect(() => mappingToRequests({ purchases: { file: 'x.csv', thousandsSeparator: '_' } }, dir)).toThrow(
      /purchases\.thousandsSeparator/,
    );
  });
});
