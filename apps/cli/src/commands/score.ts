import type { Command } from 'commander';
import { auditFromCli } from '../audit.ts';
import { env } from '../env.ts';
import { outFile } from '../outPath.ts';
import { UsageError } from '../output/errors.ts';
import { ProgressBar } from '../output/progressBar.ts';
import { withWarehouse } from '../warehouse.ts';

interface ScoreFlags {
  asOf?: string;
  model?: string;
  out?: string;
  db?: string;
  engine?: string;
  json?: boolean;
}

export function registerScore(program: Command): void {
  program
    .command('score')
    .description('Score every customer with a churn model: probability, value at risk, segment and reasons.')
    .option('--as-of <date>', 'score as of this day (YYYY-MM-DD); default: the last order (today)')
    .option('--model <id>', 'model version (default: the newest; see `retain models`)')
    .option('--out <file>', 'also write the scores to a .csv or .parquet file')
    .option('--db <path>', 'database file (default data/retain.duckdb, or RETAIN_DB)')
    .option(
      '--engine <url>',
      'extract the features on a Trino cluster holding the facts tables: trino://USER@HOST:PORT/CATALOG/SCHEMA (or RETAIN_ENGINE); the scores go to --db',
    )
    .option('--json', 'print the summary as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ retain score --out scores.csv
  $ retain score --model m-20260930-101500-ab12 --as-of 2026-06-30 --out scores.parquet --json
  $ retain score --engine trino://analyst@trino.internal:8080/lake/sales --out scores.csv

The file holds customer_id,churn_probability,value_at_risk,segment,reasons (reasons joined with
" | "), then expected_revenue_12m,rfm,model_id,as_of; highest value at risk first. In a CSV file,
cells that a spreadsheet would run as a formula (starting with = + - @, tab or CR) get a leading ' .`,
    )
    .action(async (flags: ScoreFlags) => {
      if (flags.asOf !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(flags.asOf)) {
        throw new UsageError('--as-of must be YYYY-MM-DD');
      }
      const out = flags.out === undefined ? undefined : outFile('--out', flags.out);
      if (out && !/\.(csv|parquet)$/i.test(out))
        throw new UsageError(`--out ${out} must end in .csv or .parquet`);
      const { churnFeatureEngine } = await import('@retain/workflows');
      // Checked before the database file is opened, as train does.
      const features = await churnFeatureEngine({
        flag: flags.engine,
        env: env.engine,
        password: env.trinoPassword,
      });
      const bar = new ProgressBar(env.interactive && !flags.json);
      const result = await withWarehouse(flags.db, async (warehouse) => {
        const { exportScores, scoreCustomers } = await import('@retain/churn');
        const scored = await scoreCustomers(warehouse, {
          ...(features ? { features } : {}),
          ...(flags.model ? { modelId: flags.model } : {}),
          ...(flags.asOf ? { asOf: flags.asOf } : {}),
          currency: env.currency,
          onProgress: (done, total) => bar.update('scoring', (done / total) * 100),
        });
        if (out) {
          const { modelId, asOf } = scored;
          const written = await exportScores(warehouse, { modelId, asOf, file: out });
          await auditFromCli(warehouse, 'export', {
            export: 'scores',
            modelId,
            asOf,
            rows: written.rows,
            format: written.format,
            file: out,
          });
        }
        return scored;
      }).finally(() => bar.done());
      if (flags.json) {
        console.log(JSON.stringify({ ...result, out: out ?? null }, null, 2));
        return;
      }
      console.log(
        `Scored ${result.customers} customers at ${result.asOf} with model ${result.modelId} ` +
          `(backend ${result.backend}) in ${result.seconds.toFixed(1)} s.${out ? ` Wrote ${out}.` : ''}`,
      );
    });
}
