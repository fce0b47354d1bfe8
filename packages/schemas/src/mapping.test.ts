import { describe, expect, it } from 'vitest';
import { mappingFileSchema, sectionMappingSchema } from './mapping.ts';

const messages = (value: unknown) => {
  const parsed = sectionMappingSchema.safeParse(value);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('mapping sections: a file or a table', () => {
  it('takes a file section as before', () => {
    expect(messages({ file: 'orders.csv', delimiter: ';', dateFormat: '%d/%m/%Y' })).toEqual([]);
  });

  it('takes a table as catalog.schema.table, schema.table or table, with the same settings as a file', () => {
    for (const table of [
      'lake.sales.order_lines',
      'sales.order_lines',
      'order_lines',
      'Lake.Sales-EU.lines_2024',
    ]) {
      expect(
        messages({
          table,
          columns: { order_id: 'Invoice' },
          dateFormat: '%d/%m/%Y %H:%M',
          decimalSeparator: ',',
          thousandsSeparator: '.',
          negativeLinesAreReturns: true,
          skipRowsWithoutCustomer: true,
        }),
      ).toEqual([]);
    }
  });

  it('refuses a section with neither or both', () => {
    expect(messages({ columns: {} })).toEqual([
      'file: a section names its rows: a "file" (an export) or a "table" (on a Trino cluster)',
    ]);
    expect(messages({ file: 'o.csv', table: 'lake.sales.o' })).toEqual([
      'table: a section names a "file" or a "table", not both',
    ]);
  });

  it('refuses a file-only setting on a table, and a name that is not a table name', () => {
    expect(messages({ table: 'lake.sales.o', delimiter: ';' })).toEqual([
      'delimiter: a table has no delimiter: "delimiter" applies to a "file" only',
    ]);
    for (const table of ['lake.sales.o.x', 'lake..o', 'orders.csv;DROP', '"lake".o', '']) {
      expect(messages({ table })[0]).toMatch(/^table: table must be a table name/);
    }
  });

  it('lets one mapping mix sections (the load decides what it can read)', () => {
    const parsed = mappingFileSchema.parse({
      purchases: { table: 'lake.sales.order_lines' },
      customers: { file: 'customers.csv' },
      currency: 'EUR',
    });
    expect(parsed.purchases?.table).toBe('lake.sales.order_lines');
    expect(parsed.customers?.file).toBe('customers.csv');
  });
});
