import { resolveCurrency, type WarehouseInfo } from '@retain/schemas';
import { storedCurrency } from './currency.ts';
import type { Warehouse } from './Warehouse.ts';

const iso = (value: unknown) =>
  value === null || value === undefined ? null : String(value).replace(' ', 'T');

/**
 * Row counts, date ranges, the data version and the currency: what `retain info` prints.
 * `currency` is the server's setting (RETAIN_CURRENCY), which wins over the data's.
 */
export async function warehouseInfo(
  warehouse: Warehouse,
  options: { currency?: string | undefined } = {},
): Promise<WarehouseInfo> {
  return warehouse.read(async (conn) => {
    const row = (
      await conn.runAndReadAll(`
      SELECT
        (SELECT value FROM meta WHERE key = 'data_version') AS data_version,
        (SELECT max(finished_at) FROM ingest_batches) AS last_ingest,
        (SELECT count(*) FROM customers) AS customers,
        (SELECT count(DISTINCT customer_id) FROM purchases) AS with_orders,
        p.lines, p.orders, p.first, p.last,
        c.n AS complaints, c.first AS c_first, c.last AS c_last,
        r.n AS returns, r.first AS r_first, r.last AS r_last
      FROM (SELECT count(*) AS lines, count(DISTINCT order_id) AS orders, min(order_date) AS first, max(order_date) AS last FROM purchases) p,
           (SELECT count(*) AS n, min(opened_at) AS first, max(opened_at) AS last FROM complaints) c,
           (SELECT count(*) AS n, min(returned_at) AS first, max(returned_at) AS last FROM returns) r`)
    ).getRowObjects()[0];
    if (!row) throw new Error('info query returned no row');
    return {
      database: warehouse.path,
      dataVersion: Number(row.data_version ?? 0),
      lastIngestAt: iso(row.last_ingest),
      customers: { rows: Number(row.customers), withOrders: Number(row.with_orders) },
      purchases: {
        rows: Number(row.lines),
        orders: Number(row.orders),
        from: iso(row.first),
        to: iso(row.last),
      },
      complaints: { rows: Number(row.complaints), from: iso(row.c_first), to: iso(row.c_last) },
      returns: { rows: Number(row.returns), from: iso(row.r_first), to: iso(row.r_last) },
      currency: resolveCurrency(options.currency, await storedCurrency(conn)),
    };
  });
}
