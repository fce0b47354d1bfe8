import type { Command } from 'commander';
import { env } from '../env.ts';
import { UsageError } from '../output/errors.ts';
import { withWarehouse } from '../warehouse.ts';
import { alertEnv } from './alerts.ts';

interface Flags {
  out?: string;
  db?: string;
  json?: boolean;
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description(
      'Write the executive report now: KPIs with their changes, the summary, cohort and trend charts.',
    )
    .option('--out <file>', 'weekly.html (one self-contained page) or weekly.pdf (printed by Chromium)')
    .option('--db <path>', 'database file (default data/retain.duckdb, or RETAIN_DB)')
    .option('--json', 'print what was written as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ retain report --out weekly.html
  $ retain report --out weekly.pdf        (needs Chromium; RETAIN_CHROMIUM names it if not at /usr/bin/chromium)

The report says which database, data version and as-of day it reflects. The server makes it on the
schedule set on the Alerts page (default Mondays 08:00 UTC) into a folder and/or to a webhook.`,
    )
    .action(async (flags: Flags) => {
      if (!flags.out) throw new UsageError('--out is required: a file ending in .html or .pdf');
      const { writeReport } = await import('@retain/alerts');
      const settings = await alertEnv();
      const written = await withWarehouse(flags.db, (w) =>
        writeReport(w, flags.out as string, { currency: env.currency ?? null, chromium: settings.chromium }),
      );
      if (flags.json) console.log(JSON.stringify(written));
      else
        console.log(
          `Wrote ${written.file} (${written.format.toUpperCase()}): the report as of ${written.asOf ?? 'no data'}, data version ${written.dataVersion}.\n${written.summary}`,
        );
    });
}
