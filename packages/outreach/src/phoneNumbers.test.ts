import { BadInputError, sql, type Warehouse } from '@retain/warehouse';
import { openTestWarehouse, tempDir } from '@retain/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  countryOfCallingCode,
  inferCallingCodeSql,
  PHONE_COUNTRIES,
  phoneCountry,
  regionCountrySql,
  withPhoneE164,
} from './phoneNumbers.ts';

describe('phone numbers as E.164, in DuckDB', () => {
  let warehouse: Warehouse;
  let cleanup: () => void;
  beforeAll(async () => {
    let dir: string;
    ({ dir, cleanup } = tempDir('retain-phones-'));
    warehouse = await openTestWarehouse(dir);
  });
  afterAll(() => {
    warehouse.close();
    cleanup();
  });

  /** Each number as E.164 (or null), read in its region's country, else in `home`. */
  const e164 = (
    numbers: readonly (string | null)[],
    region: string | null = null,
    home: string | null = null,
  ) =>
    warehouse.read(async (db) => {
      const rows = numbers.map((_, i) => `($n${i}, $region, ${i})`).join(', ');
      const params: Record<string, string | null> = { region, home };
      numbers.forEach((n, i) => {
        params[`n${i}`] = n;
      });
      const found = await db.query(
        sql.named(
          `SELECT phone_e164 FROM (${withPhoneE164(
            db.dialect,
            `
             SELECT v.phone, v.i, coalesce(${regionCountrySql(db.dialect, 'v.region')}, $home) AS phone_country
             FROM (VALUES ${rows}) v(phone, region, i)`,
            ['i'],
          )})
           ORDER BY i`,
          params,
        ),
        z.object({ phone_e164: z.string().nullable() }),
      );
      return found.map((row) => row.phone_e164);
    });

  it('writes numbers given with their country as E.164, whatever the separators', async () => {
    expect(
      await e164([
        '+44 7700 900123',
        '+1 (922) 555-0123',
        '+44 (0)20 7946 0001',
        '0044 20 7946 0001',
        '+49 30 901820',
        '+30 2192052599',
        ' +33 6 12 34 56 78 ',
        '+44\u00a07700\u00a0900123',
        '+1 212‐555‐0100',
        '+39 06 1234 5678',
      ]),
    ).toEqual([
      '+447700900123',
      '+19225550123',
      '+442079460001',
      '+442079460001',
      '+4930901820',
      '+302192052599',
      '+33612345678',
      '+447700900123',
      '+12125550100',
      '+390612345678',
    ]);
  });

  it('reads national numbers in the country the region names, trunk prefix dropped', async () => {
    expect(await e164(['07700 900123', '020 7946 0001'], 'United Kingdom')).toEqual([
      '+447700900123',
      '+442079460001',
    ]);
    expect(await e164(['030 901820'], ' deutschland ')).toEqual(['+4930901820']);
    expect(await e164(['(212) 555-0100', '1-212-555-0100', '011 44 7700 900123'], 'USA')).toEqual([
      '+12125550100',
      '+12125550100',
      '+447700900123',
    ]);
    expect(await e164(['06 1234 5678'], 'Italia')).toEqual(['+390612345678']); // Italy keeps its 0
    expect(await e164(['210 1234567'], 'Greece')).toEqual(['+302101234567']);
    expect(await e164(['087 123 4567'], 'EIRE')).toEqual(['+353871234567']);
  });

  it('reads national numbers in the home country when the region names none', async () => {
    expect(await e164(['07700 900123'], 'North', 'GB')).toEqual(['+447700900123']);
    expect(await e164(['07700 900123'], 'North', null)).toEqual([null]);
    // The region's country comes before the home country.
    expect(await e164(['030 901820'], 'Germany', 'GB')).toEqual(['+4930901820']);
  });

  it('drops extensions: a dialler cannot dial them', async () => {
    expect(
      await e164([
        '+44 20 7946 0001 ext. 12',
        '+44 20 7946 0001 x12',
        '+1 212 555 0100;ext=3',
        '+1 212 555 0100 #4',
      ]),
    ).toEqual(['+442079460001', '+442079460001', '+12125550100', '+12125550100']);
  });

  it('gives no number rather than a wrong one', async () => {
    expect(
      await e164(
        [
          null,
          '',
          'n/a',
          'call me',
          '1-800-FLOWERS',
          '+',
          '+44 7700 9001', // too short for the UK
          '+44 7700 900123 456', // too long
          '+1 (022) 555-0123', // no area code starts with 0
          '+0 123 456 789',
          '=HYPERLINK("x")',
          '-5551234',
          '+44 20 7946 0001, +44 20 7946 0002',
          '07700+900123', // a "+" in the middle
          '+44 +7700 900123',
        ],
        'United Kingdom',
      ),
    ).toEqual(Array(15).fill(null));
    // A national number without the trunk prefix its country dials, or of another length.
    expect(await e164(['7700 900123', '2125550100', '0770 090'], 'United Kingdom')).toEqual([
      null,
      null,
      null,
    ]);
    expect(await e164(['555\n1234', '555 0004'], 'North', 'US')).toEqual([null, null]);
  });

  it('writes only "+" and 7 to 15 digits', async () => {
    const samples = [
      '+44 7700 900123',
      '+1 (922) 555-0123',
      '07700 900123',
      '+358 40 1234567',
      '+7 912 345 67 89',
    ];
    for (const value of await e164(samples, 'UK')) expect(value).toMatch(/^\+[1-9][0-9]{6,14}$/);
  });

  it('infers the home country from the calling code most customers’ numbers carry', async () => {
    await warehouse.write((db) =>
      db.run(sql`INSERT INTO customers (customer_id, phone, batch_id) VALUES
        ('A', '+44 7700 900001', 0), ('B', '0044 7700 900002', 0), ('C', '+1 212 555 0100', 0),
        ('D', '07700 900003', 0), ('E', NULL, 0), ('F', '+33 6 12 34 56 78', 0)`),
    );
    const code = await warehouse.read((db) =>
      db.scalar(sql.raw(inferCallingCodeSql(db.dialect)), z.string().nullable()),
    );
    expect(code).toBe('44');
    expect(countryOfCallingCode('44')).toBe('GB');
    expect(countryOfCallingCode('1')).toBe('US');
    expect(countryOfCallingCode('999')).toBeNull();
  });

  it('knows the countries it names, and refuses others', () => {
    expect(phoneCountry('gb')).toMatchObject({ iso: 'GB', code: '44', trunk: '0' });
    expect(() => phoneCountry('XX')).toThrow(BadInputError);
    expect(() => phoneCountry('XX')).toThrow(/No dialling rules for the country "XX"/);
    const isos = PHONE_COUNTRIES.map((c) => c.iso);
    expect(new Set(isos).size).toBe(isos.length);
    const names = PHONE_COUNTRIES.flatMap((c) => c.names);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toBe(name.trim().toLowerCase());
  });
});
