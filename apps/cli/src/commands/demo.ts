import type { IngestSummary } from '@retain/schemas';
import type { IngestProgress, Warehouse } from '@retain/warehouse';
import type { DemoGenerated } from '@retain/workflows';
import type { Command } from 'commander';
import { cliRequester } from '../audit.ts';
import { env } from '../env.ts';
import { outFolder } from '../outPath.ts';
import { UsageError } from '../output/errors.ts';
import { ProgressBar } from '../output/progressBar.ts';
import { formatNumber } from '../output/table.ts';
import { withWarehouse } from '../warehouse.ts';
import { checkAlertsAfterCliLoad } from './alerts.ts';

interface DemoFlags {
  out: string;
  customers: string;
  seed: string;
  end?: string;
  ingest?: boolean;
  db?: string;
  json?: boolean;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'Write a realistic synthetic retailer (customers, purchases, complaints, returns) as CSV files.',
    )
    .requiredOption('--out <dir>', 'folder to write the CSV files into')
    .option('--customers <n>', 'number of customers', '50000')
    .option('--seed <s>', 'random seed; the same seed writes the same files', '42')
    .option('--end <date>', 'last day of the history (YYYY-MM-DD)')
    .option('--ingest', 'also load the files into the warehouse')
    .option('--db <path>', 'database file for --ingest (default data/retain.duckdb, or RETAIN_DB)')
    .option('--json', 'print the summary as JSON')
    .addHelpText(
      'after',
      `
Example:
  $ retain demo --out data/demo --customers 100000 --seed 7 --ingest

Besides the four exports it writes truth.csv: each customer's realised churn over the 90 days after
the history ends, the latent churn probability and the posterior churn probability under the
generator's own process (the reachable ceiling), for judging churn models. It is never loaded.`,
    )
    .action(async (flags: DemoFlags) => {
      const customers = positiveInt(flags.customers, '--customers');
      const seed = positiveInt(flags.seed, '--seed', true);
      if (flags.end !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(flags.end))
        throw new UsageError('--end must be YYYY-MM-DD');
      const outDir = outFolder('--out', flags.out);
      const { generateDemo } = await import('@retain/demo-data');
      const bar = new ProgressBar(env.interactive && !flags.json);
      const summary = await generateDemo({
        outDir,
        customers,
        seed,
        ...(flags.end ? { end: flags.end } : {}),
        onProgress: (done: number, total: number) => bar.update('generating', (done / total) * 100),
      }).finally(() => bar.done());
      let loaded: IngestSummary | null = null;
      if (flags.ingest) {
        const generated = { customers, seed, start: summary.start, end: summary.end };
        loaded = await withWarehouse(flags.db, (warehouse) =>
          ingestDemo(warehouse, outDir, generated, 'demo --ingest'),
        );
      }
      if (flags.json) {
        console.log(JSON.stringify({ ...summary, ingest: loaded }, null, 2));
        return;
      }
      console.log(
        `Wrote ${formatNumber(summary.customers)} customers, ${formatNumber(summary.purchases)} order lines ` +
          `(${formatNumber(summary.orders)} orders), ${formatNumber(summary.complaints)} complaints and ` +
          `${formatNumber(summary.returns)} returns, ${summary.start} to ${summary.end}, to ${outDir} in ${summary.seconds.toFixed(1)} s.`,
      );
      if (loaded) console.log(`Loaded into the warehouse: data version ${loaded.dataVersion}.`);
    });
}

/**
 * Loads demo files written to `dir` with their currency (US dollars); the audit entry says it was
 * demo data, how it was generated and which command loaded it.
 */
export async function ingestDemo(
  warehouse: Warehouse,
  dir: string,
  generated: DemoGenerated,
  command: 'demo --ingest' | 'serve --demo-if-empty',
  onProgress?: (progress: IngestProgress) => void,
): Promise<IngestSummary> {
  const { loadDemoFiles } = await import('@retain/workflows');
  const summary = await loadDemoFiles(warehouse, dir, generated, {
    requester: cliRequester(),
    command,
    ...(onProgress ? { onProgress } : {}),
  });
  await checkAlertsAfterCliLoad(warehouse);
  return summary;
}

function positiveInt(value: string, flag: string, allowZero = false): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < (allowZero ? 0 : 1))
    throw new UsageError(`${flag} must be a whole number${allowZero ? '' : ' above 0'}`);
  return n;
}
