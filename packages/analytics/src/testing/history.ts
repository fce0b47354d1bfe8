import path from 'node:path';
import { ingest, sql, sqlString, type Warehouse } from '@retain/warehouse';
import { writeFile } from '@retain/warehouse/testing';
import { buildAnalyticsRollup } from '../analyticsRollup.ts';

/** An order line; dates are UTC 'YYYY-MM-DD HH:MM:SS'. */
export interface HistoryLine {
  orderId: string;
  customerId: string;
  orderDate: string;
  amount: number;
  category?: string | null;
  channel?: string | null;
  region?: string | null;
}

export interface HistoryComplaint {
  complaintId: string;
  customerId: string;
  openedAt: string;
  resolvedAt: string | null;
}

export interface HistoryReturn {
  returnId: string;
  customerId: string;
  returnedAt: string;
  amount: number;
}

/** A retailer's history in memory: what the fixtures and the naive reference implementation read. */
export interface History {
  lines: HistoryLine[];
  complaints: HistoryComplaint[];
  returns: HistoryReturn[];
}

const csv = (rows: Array<Array<string | number | null | undefined>>) =>
  `${rows.map((row) => row.map((v) => (v === null || v === undefined ? '' : String(v))).join(',')).join('\n')}\n`;

/** Loads a history the way a user would: canonical CSV files through `ingest`. */
export async function ingestHistory(warehouse: Warehouse, dir: string, history: History): Promise<void> {
  const files = {
    purchases: writeFile(
      dir,
      'purchases.csv',
      csv([
        ['order_id', 'customer_id', 'order_date', 'amount', 'category', 'channel', 'region'],
        ...history.lines.map((l) => [
          l.orderId,
          l.customerId,
          l.orderDate,
          l.amount,
          l.category,
          l.channel,
          l.region,
        ]),
      ]),
    ),
    complaints: writeFile(
      dir,
      'complaints.csv',
      csv([
        ['complaint_id', 'customer_id', 'opened_at', 'resolved_at'],
        ...history.complaints.map((c) => [c.complaintId, c.customerId, c.openedAt, c.resolvedAt]),
      ]),
    ),
    returns: writeFile(
      dir,
      'returns.csv',
      csv([
        ['return_id', 'customer_id', 'returned_at', 'amount'],
        ...history.returns.map((r) => [r.returnId, r.customerId, r.returnedAt, r.amount]),
      ]),
    ),
  };
  const sections = (['purchases', 'complaints', 'returns'] as const).filter((section) =>
    section === 'purchases' ? history.lines.length > 0 : history[section].length > 0,
  );
  await ingest(
    warehouse,
    sections.map((section) => ({ section, file: path.resolve(files[section]) })),
  );
}

const text = (value: string | null | undefined) =>
  value === null || value === undefined ? 'NULL' : sqlString(value);

/**
 * Replaces the warehouse's facts with `history` straight through SQL and rebuilds the rollup: a
 * property test loads hundreds of histories, and going through CSV files each time would be slow
 * without testing anything more (ingest has its own tests).
 */
export async function replaceHistory(warehouse: Warehouse, history: History): Promise<void> {
  await warehouse.write(async (conn) => {
    await conn.run(sql`DELETE FROM purchases; DELETE FROM complaints; DELETE FROM returns;`);
    if (history.lines.length > 0) {
      await conn.run(
        sql.raw(`INSERT INTO purchases (order_id, customer_id, order_date, amount, category, channel, region, line_key, batch_id)
         VALUES ${history.lines
           .map(
             (l, i) =>
               `(${text(l.orderId)}, ${text(l.customerId)}, ${text(l.orderDate)}::TIMESTAMP, ${l.amount}, ` +
               `${text(l.category)}, ${text(l.channel)}, ${text(l.region)}, ${i}, 1)`,
           )
           .join(', ')}`),
      );
    }
    if (history.complaints.length > 0) {
      await conn.run(
        sql.raw(`INSERT INTO complaints (complaint_id, customer_id, opened_at, resolved_at, batch_id)
         VALUES ${history.complaints
           .map(
             (c) =>
               `(${text(c.complaintId)}, ${text(c.customerId)}, ${text(c.openedAt)}::TIMESTAMP, ${text(c.resolvedAt)}::TIMESTAMP, 1)`,
           )
           .join(', ')}`),
      );
    }
    if (history.returns.length > 0) {
      await conn.run(
        sql.raw(`INSERT INTO returns (return_id, customer_id, returned_at, amount, batch_id)
         VALUES ${history.returns
           .map(
             (r) =>
               `(${text(r.returnId)}, ${text(r.customerId)}, ${text(r.returnedAt)}::TIMESTAMP, ${r.amount}, 1)`,
           )
           .join(', ')}`),
      );
    }
  });
  await buildAnalyticsRollup(warehouse, true);
}
