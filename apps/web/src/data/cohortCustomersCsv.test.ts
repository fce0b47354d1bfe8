import type { CohortCustomer, CohortCustomers } from '@retain/schemas';
import { describe, expect, it } from 'vitest';
import { cohortCustomersCsv, EXPORT_PAGE_SIZE, fetchAllCohortCustomers } from './cohortCustomersCsv.ts';

const customer = (id: string, revenue = 10.005): CohortCustomer => ({
  customerId: id,
  firstOrder: '2024-01-05T10:00:00Z',
  lastOrder: '2024-03-01T09:30:00Z',
  orders: 3,
  revenue,
  complaints: 1,
  returns: 0,
});

describe('cohortCustomersCsv', () => {
  it('writes the table’s columns, revenue to the cent in the named currency, and no personal fields', () => {
    const text = cohortCustomersCsv([customer('C1', 1234.5678)], 'EUR');
    expect(text).toBe(
      '\uFEFFCustomer,First order (UTC),Last order (UTC),Orders,Revenue (EUR),Complaints,Returns\r\n' +
        'C1,2024-01-05T10:00:00Z,2024-03-01T09:30:00Z,3,1234.57,1,0\r\n',
    );
    expect(text).not.toMatch(/name|email|phone/i);
  });

  it('neutralises customer ids a spreadsheet would run as formulas', () => {
    const text = cohortCustomersCsv(
      [customer('=HYPERLINK("http://evil.example")'), customer('+1 555'), customer('@x')],
      null,
    );
    expect(text).toContain(`\r\n"'=HYPERLINK(""http://evil.example"")",`);
    expect(text).toContain("\r\n'+1 555,");
    expect(text).toContain("\r\n'@x,");
    expect(text.split('\r\n')[0]).toContain(',Revenue,');
  });
});

describe('fetchAllCohortCustomers', () => {
  it('asks for every page of the cell, a thousand at a time, and reports progress', async () => {
    const all = Array.from({ length: 2345 }, (_, i) => customer(`C${i}`));
    const asked: number[] = [];
    const progress: number[] = [];
    const rows = await fetchAllCohortCustomers(
      async (page, pageSize): Promise<CohortCustomers> => {
        asked.push(page);
        return { total: all.length, page, pageSize, rows: all.slice((page - 1) * pageSize, page * pageSize) };
      },
      (done) => progress.push(done),
    );
    expect(EXPORT_PAGE_SIZE).toBe(1000);
    expect(asked).toEqual([1, 2, 3]);
    expect(progress).toEqual([1000, 2000, 2345]);
    expect(rows.map((r) => r.customerId)).toEqual(all.map((r) => r.customerId));
  });

  it('stops at an exact multiple of the page size', async () => {
    const all = Array.from({ length: 2000 }, (_, i) => customer(`C${i}`));
    const asked: number[] = [];
    await fetchAllCohortCustomers(async (page, pageSize) => {
      asked.push(page);
      return { total: all.length, page, pageSize, rows: all.slice((page - 1) * pageSize, page * pageSize) };
    });
    expect(asked).toEqual([1, 2]);
  });
});
