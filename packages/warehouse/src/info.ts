import { resolveCurrency, type WarehouseInfo } from '@retain/schemas';
import { z } from 'zod';
import { storedCurrency } from './currency.ts';
import { dbNumber } from './query/columnTypes.ts';
import { sql } from './query/sql.ts';
import type { Warehouse } from './Warehouse.ts';

const iso = (value: string | null) => (value === null ? null : value.replace(' ', 'T'));

const instant = z.string().nullable();
const INFO_ROW = z.object({
  data_version: z.string().nullable(),
  last_ingest: instant,
  customers: dbNumber,
  with_orders: dbNumber,
  lines: dbNumber,
  orders: dbNumber,
  first: instant,
  last: instant,
  complaints: dbNumber,
  c_first: instant,
  c_last: instant,
  returns: dbNumber,
  r_first: instant,
  r_last: instant,
});

/** A timestamp as the engine writes it, 'YYYY-MM-DD HH:MM:SS'. */
const text = (column: string) => `CAST(${column} AS VARCHAR)`;

/**
 * Row counts, date ranges, the data version and the currency: what `retain info` prints.
 * `currency` is the server's setting (RETAIN_CURRENCY), which wins over the data's.
 */
export async function warehouseInfo(
  warehouse: Warehouse,
  options: { currency?: string | undefined } = {},
): Promise<WarehouseInfo> {
  return warehouse.read(async (db) => {
    const row = await db.first(
      sql.raw(`
      SELECT
        (SELECT value FROM meta WHERE key = 'data_version') AS data_version,
        ${text('(SELECT max(finished_at) FROM ingest_batches)')} AS last_ingest,
        (SELECT count(*) FROM customers) AS customers,
        (SELECT count(DISTINCT customer_id) FROM purchases) AS with_orders,
        p.lines, p.orders, ${text('p.first')} AS first, ${text('p.last')} AS last,
        c.n AS complaints, ${text('c.first')} AS c_first, ${text('c.last')} AS c_last,
        r.n AS returns, ${text('r.first')} AS r_first, ${text('r.last')} AS r_last
      FROM (SELECT count(*) AS lines, count(DISTINCT order_id) AS orders, min(order_date) AS first, max(order_date) AS last FROM purchases) p,
           (SELECT count(*) AS n, min(opened_at) AS first, max(opened_at) AS last FROM complaints) c,
           (SELECT count(*) AS n, min(returned_at) AS first, max(returned_at) AS last FROM returns) r`),
      INFO_ROW,
    );
    if (!row) throw new Error('info query returned no row');
    return {
      database: warehouse.path,
      dataVersion: Number(row.data_version ?? 0),
      lastIngestAt: iso(row.last_ingest),
      customers: { rows: row.customers, withOrders: row.with_orders },
      purchases: {
        rows: row.lines,
        orders: row.orders,
        from: iso(row.first),
        to: iso(row.last),
      },
      complaints: { rows: row.complaints, from: iso(row.c_first), to: iso(row.c_last) },
      returns: { rows: row.returns, from: iso(row.r_first), to: iso(row.r_last) },
      currency: resolveCurrency(options.currency, await storedCurrency(db)),
    };
  });
}
