import { describeCurrency, type WarehouseInfo } from '@retain/schemas';
import type { Command } from 'commander';
import { env } from '../env.ts';
import { renderTable } from '../output/table.ts';
import { withWarehouse } from '../warehouse.ts';

export function registerInfo(program: Command): void {
  program
    .command('info')
    .description('Row counts, date ranges, data version, currency and database path.')
    .option('--db <path>', 'database file (default data/retain.duckdb, or RETAIN_DB)')
    .option('--json', 'print as JSON')
    .addHelpText('after', '\nExample:\n  $ retain info --json')
    .action(async (flags: { db?: string; json?: boolean }) => {
      const { warehouseInfo } = await import('@retain/warehouse');
      const info = await withWarehouse(flags.db, (warehouse) =>
        warehouseInfo(warehouse, { currency: env.currency }),
      );
      console.log(flags.json ? JSON.stringify(info, null, 2) : renderInfo(info));
    });
}

const day = (value: string | null) => value?.slice(0, 10) ?? '—';

function renderInfo(info: WarehouseInfo): string {
  return [
    `Database      ${info.database}`,
    `Data version  ${info.dataVersion}${info.lastIngestAt ? ` (last load ${info.lastIngestAt.slice(0, 19).replace('T', ' ')} UTC)` : ''}`,
    `Currency      ${describeCurrency(info.currency)}`,
    '',
    renderTable(
      ['', 'rows', 'from', 'to'],
      [
        ['customers', info.customers.rows, '', ''],
        ['purchases (lines)', info.purchases.rows, day(info.purchases.from), day(info.purchases.to)],
        ['orders', info.purchases.orders, '', ''],
        ['complaints', info.complaints.rows, day(info.complaints.from), day(info.complaints.to)],
        ['returns', info.returns.rows, day(info.returns.from), day(info.returns.to)],
      ],
    ),
  ].join('\n');
}
