import path from 'node:path';
import { generateDemo } from '@retain/demo-data';
import { ingest, type Warehouse } from '@retain/warehouse';
import { openTestWarehouse, tempDir, writeFile } from '@retain/warehouse/testing';

/** A small retailer's history in memory; times are UTC 'YYYY-MM-DD HH:MM:SS'. */
export interface History {
  customers: { id: string; channel?: string; region?: string }[];
  lines: { orderId: string; customerId: string; at: string; amount: number; channel?: string }[];
  complaints: {
    id: string;
    customerId: string;
    openedAt: string;
    resolvedAt: string | null;
    severity: number;
  }[];
  returns: { id: string; orderId: string; customerId: string; at: string; amount: number }[];
}

const csv = (rows: Array<Array<string | number | null | undefined>>) =>
  `${rows.map((row) => row.map((v) => (v === null || v === undefined ? '' : String(v))).join(',')).join('\n')}\n`;

/** Loads a history the way a user would: canonical CSV files through `ingest`. */
export async function ingestHistory(warehouse: Warehouse, dir: string, history: History): Promise<void> {
  const files = {
    customers: writeFile(
      dir,
      'customers.csv',
      csv([
        ['customer_id', 'channel', 'region'],
        ...history.customers.map((c) => [c.id, c.channel, c.region]),
      ]),
    ),
    purchases: writeFile(
      dir,
      'purchases.csv',
      csv([
        ['order_id', 'customer_id', 'order_date', 'amount', 'channel'],
        ...history.lines.map((l) => [l.orderId, l.customerId, l.at, l.amount, l.channel]),
      ]),
    ),
    complaints: writeFile(
      dir,
      'complaints.csv',
      csv([
        ['complaint_id', 'customer_id', 'opened_at', 'resolved_at', 'severity'],
        ...history.complaints.map((c) => [c.id, c.customerId, c.openedAt, c.resolvedAt, c.severity]),
      ]),
    ),
    returns: writeFile(
      dir,
      'returns.csv',
      csv([
        ['return_id', 'order_id', 'customer_id', 'returned_at', 'amount'],
        ...history.returns.map((r) => [r.id, r.orderId, r.customerId, r.at, r.amount]),
      ]),
    ),
  };
  const present = {
    customers: history.customers.length,
    purchases: history.lines.length,
    complaints: history.complaints.length,
    returns: history.returns.length,
  };
  const sections = (['customers', 'purchases', 'complaints', 'returns'] as const).filter(
    (s) => present[s] > 0,
  );
  await ingest(
    warehouse,
    sections.map((section) => ({ section, file: path.resolve(files[section]) })),
  );
}

/** A fresh warehouse in a temporary folder holding `history`; `close` removes both. */
export async function openHistory(history: History, name = 'churn-test-') {
  const { dir, cleanup } = tempDir(name);
  const warehouse = await openTestWarehouse(dir);
  await ingestHistory(warehouse, path.join(dir, 'files'), history);
  return {
    warehouse,
    dir,
    close: () => {
      warehouse.close();
      cleanup();
    },
  };
}

/** A warehouse holding the synthetic demo retailer (packages/demo-data), small enough for unit tests. */
export async function openDemoWarehouse(customers: number, seed = 7, years = 2) {
  const { dir, cleanup } = tempDir('churn-demo-');
  const files = path.join(dir, 'demo');
  await generateDemo({ outDir: files, customers, seed, years, end: '2025-12-31', posterior: false });
  const warehouse = await openTestWarehouse(dir);
  await ingest(
    warehouse,
    (['customers', 'purchases', 'complaints', 'returns'] as const).map((section) => ({
      section,
      file: path.join(files, `${section}.csv`),
    })),
  );
  return {
    warehouse,
    dir,
    close: () => {
      warehouse.close();
      cleanup();
    },
  };
}
