import { BadInputError } from '@retain/warehouse/errors';
import { describe, expect, it } from 'vitest';
import {
  checkStatement,
  conflictStatement,
  emptyQuery,
  planTable,
  resolveTableName,
  type TablePlan,
  trinoDateFormat,
  viewQuery,
} from './mapTablesSql.ts';

/* The SQL that maps a table, built without a cluster (the cluster suite runs it: mapTables.test.ts). */

const target = { catalog: 'lake', schema: 'retain' };
const table = { catalog: 'lake', schema: 'sales', table: 'order_lines' };
const lines = [
  { name: 'invoice', type: 'varchar' },
  { name: 'customer', type: 'varchar' },
  { name: 'invoice_date', type: 'varchar' },
  { name: 'qty', type: 'integer' },
  { name: 'unit_price', type: 'varchar' },
];
const lineItems = {
  table: 'sales.order_lines',
  columns: {
    order_id: 'Invoice',
    customer_id: 'customer',
    order_date: 'invoice_date',
    quantity: 'qty',
    unit_price: 'unit_price',
  },
  dateFormat: '%d/%m/%Y %H:%M',
  decimalSeparator: ',' as const,
};

function plan(mapping: Parameters<typeof planTable>[1], columns = lines): TablePlan {
  const planned = planTable('purchases', mapping, table, columns, 'mapping.json');
  if ('canonical' in planned) throw new Error(`missing ${planned.column}`);
  return planned;
}

describe('table names', () => {
  it('reads catalog.schema.table, or schema.table and table relative to the engine URL', () => {
    expect(resolveTableName('Lake.Sales.Order_Lines', target)).toEqual(table);
    expect(resolveTableName('sales.order_lines', target)).toEqual(table);
    expect(resolveTableName('order_lines', target)).toEqual({ ...table, schema: 'retain' });
  });
});

describe('date formats', () => {
  it("translates DuckDB's strptime specifiers to date_parse's", () => {
    expect(trinoDateFormat('%d/%m/%Y %H:%M')).toBe('%d/%m/%Y %H:%i');
    expect(trinoDateFormat('%Y-%m-%dT%H:%M:%S.%f')).toBe('%Y-%m-%dT%H:%i:%s.%f');
    expect(trinoDateFormat('%-d %B %Y, %I:%M %p')).toBe('%e %M %Y, %h:%i %p');
    expect(trinoDateFormat('100%% %d')).toBe('100%% %d');
  });

  it('names a specifier it cannot translate', () => {
    expect(trinoDateFormat('%Y-%m-%d %z')).toEqual({ unsupported: '%z' });
    expect(trinoDateFormat('%Q')).toEqual({ unsupported: '%Q' });
  });

  it('refuses a zone in the dateFormat of a table section, naming the key', () => {
    expect(() => plan({ ...lineItems, dateFormat: '%Y-%m-%d %H:%M %z' })).toThrow(
      'mapping.json: purchases.dateFormat "%Y-%m-%d %H:%M %z": %z (a time zone) cannot be read on a cluster',
    );
  });
});

describe('planning a table section', () => {
  it('matches columns whatever their case, and says which one the table lacks', () => {
    const missing = planTable(
      'purchases',
      { ...lineItems, columns: { ...lineItems.columns, channel: 'Channel' } },
      table,
      lines,
    );
    expect(missing).toEqual({
      canonical: 'channel',
      column: 'Channel',
      available: ['invoice', 'customer', 'invoice_date', 'qty', 'unit_price'],
    });
  });

  it('computes the amount of a line item from quantity and unit price, rounded as the file path rounds it', () => {
    const amount = plan(lineItems).columns.find((c) => c.name === 'amount');
    expect(amount?.source).toBeNull();
    expect(amount?.value).toMatch(/^round\(.*"qty".*\* \(.*"unit_price".*, 4\)$/s);
  });

  it('refuses a required column left unmapped', () => {
    const { quantity: _q, ...noQuantity } = lineItems.columns;
    const error = (() => {
      try {
        plan({ ...lineItems, columns: noQuantity });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as BadInputError).message).toBe(
      'mapping.json: purchases: required column amount is not mapped: add "amount": "<column of lake.sales.order_lines>" to its columns, or map quantity and unit_price.',
    );
  });

  it('checks each value once per column, in one statement with counts and the first keys', () => {
    const statement = checkStatement(plan(lineItems));
    expect(statement).toContain('count(*) AS rows_read');
    expect(statement).toMatch(/min\(CAST\(ROW\(coalesce\(nullif\(trim\("invoice"\), ''\), ''\), /);
    expect(statement).toContain(', 5) FILTER (WHERE ');
    expect(statement).toContain("date_parse(nullif(trim(\"invoice_date\"), ''), '%d/%m/%Y %H:%i')");
    expect(statement.match(/FROM /g)).toHaveLength(1);
  });

  it('leaves negative lines out of purchases and makes them returns with ids of their own', () => {
    const negative = plan({ ...lineItems, negativeLinesAreReturns: true });
    expect(viewQuery('purchases', negative, negative)).toMatch(
      /WHERE NOT \(coalesce\(quantity < 0, false\) OR amount < 0\)$/,
    );
    const returns = viewQuery('returns', null, negative);
    expect(returns).toContain('abs(amount) AS amount');
    expect(returns).toContain("'R' || lower(to_hex(xxhash64(");
    expect(viewQuery('returns', null, plan(lineItems))).toBe(emptyQuery('returns'));
  });

  it('looks for conflicting ids only where a section is keyed by a mapped id', () => {
    expect(conflictStatement(plan(lineItems))).toBeNull();
    const tickets = planTable(
      'complaints',
      { table: 'tickets', columns: { complaint_id: 'ticket', customer_id: 'customer', opened_at: 'opened' } },
      { ...table, table: 'tickets' },
      [
        { name: 'ticket', type: 'bigint' },
        { name: 'customer', type: 'varchar' },
        { name: 'opened', type: 'timestamp(3) with time zone' },
      ],
    );
    if ('canonical' in tickets) throw new Error('unexpected');
    expect(conflictStatement(tickets)).toMatch(/GROUP BY "complaint_id" HAVING count\(\*\) > 1/);
    expect(tickets.columns.find((c) => c.name === 'opened_at')?.value).toContain("AT TIME ZONE 'UTC'");
  });

  it('gives a left-out section an empty view with the canonical columns and types', () => {
    expect(emptyQuery('returns')).toBe(
      'SELECT CAST(NULL AS varchar) AS "return_id", CAST(NULL AS varchar) AS "order_id", CAST(NULL AS varchar) AS "customer_id", CAST(NULL AS timestamp(6)) AS "returned_at", CAST(NULL AS double) AS "amount" WHERE false',
    );
  });
});
