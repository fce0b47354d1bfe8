import type { ReadOnlyQueryResult } from '@retain/warehouse';
import type { Command } from 'commander';
import { cliRequester } from '../audit.ts';
import { env } from '../env.ts';
import { UsageError } from '../output/errors.ts';
import { renderTable } from '../output/table.ts';
import { withWarehouse } from '../warehouse.ts';

interface QueryFlags {
  db?: string;
  engine?: string;
  json?: boolean;
  csv?: boolean;
  limit: string;
  timeout: string;
}

const SHOWN_ON_TERMINAL = 50;

export function registerQuery(program: Command): void {
  program
    .command('query')
    .description(
      'Run one read-only SQL statement (SELECT, WITH, EXPLAIN, DESCRIBE, SUMMARIZE, SHOW) on the warehouse.',
    )
    .argument('<sql>', 'the statement, quoted')
    .option('--json', 'print {columns, rows, truncated, elapsedMs} as JSON')
    .option('--csv', 'print the rows as CSV (RFC 4180)')
    .option('--limit <n>', 'rows at most', '100000')
    .option('--timeout <seconds>', 'stop the query after this long', '30')
    .option('--db <path>', 'database file (default data/retain.duckdb, or RETAIN_DB)')
    .option(
      '--engine <url>',
      'run it on a Trino cluster over its mapped facts tables: trino://USER@HOST:PORT/CATALOG/SCHEMA (or RETAIN_ENGINE); the audit entry goes to the database file',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ retain query "SELECT channel, count(DISTINCT customer_id) AS customers FROM purchases GROUP BY 1"
  $ retain query "SUMMARIZE purchases" --json
  $ retain query --engine trino://analyst@trino.internal:8080/lake/sales "SELECT count(*) FROM purchases"

Writes, settings, file access and more than one statement are refused (exit code 2). On an engine
only queries (SELECT, WITH, VALUES, TABLE) over customers, purchases, complaints and returns run.`,
    )
    .action(async (sql: string, flags: QueryFlags) => {
      const limit = Number(flags.limit);
      const timeout = Number(flags.timeout);
      if (!Number.isInteger(limit) || limit < 1)
        throw new UsageError('--limit must be a whole number above 0');
      if (!(timeout > 0)) throw new UsageError('--timeout must be a number of seconds above 0');
      if (flags.json && flags.csv) throw new UsageError('choose --json or --csv');
      const [{ secureForConsole }, { chosenEngine, runAuditedQuery, runEngineQuery }, { csvLine }] =
        await Promise.all([
          import('@retain/warehouse'),
          import('@retain/workflows'),
          import('@retain/schemas'),
        ]);
      // Whoever can run the CLI can read the database file (or the cluster's tables) anyway: all
      // columns, unmasked. The audit entry says where the rows went: --csv and --json hand them on.
      const options = {
        rowCap: limit,
        timeoutMs: timeout * 1000,
        access: 'full' as const,
        requester: cliRequester(),
        detail: { output: flags.csv ? 'csv' : flags.json ? 'json' : 'table' },
      };
      const engineUrl = chosenEngine({ flag: flags.engine, env: env.engine })?.url;
      // A URL that cannot be used is refused before the database file is opened.
      const engine = engineUrl === undefined ? null : await trinoEngine(engineUrl);
      // On a cluster the file only takes the audit entry: the first query may create it.
      const result = await withWarehouse(
        flags.db,
        async (warehouse) => {
          if (engine) return runEngineQuery(warehouse, engine, sql, options);
          await secureForConsole(warehouse, { memoryLimit: env.memoryLimit });
          return runAuditedQuery(warehouse, sql, options);
        },
        { create: engine !== null },
      );
      if (flags.json) console.log(JSON.stringify(result));
      else if (flags.csv) {
        process.stdout.write(csvLine(result.columns.map((c) => c.name)));
        for (const row of result.rows) process.stdout.write(csvLine(row));
      } else console.log(renderResult(result));
      if (result.truncated) console.error(`note: only the first ${limit} rows; raise --limit for more`);
    });
}

async function trinoEngine(url: string) {
  const { parseTrinoUrl, TrinoDb } = await import('@retain/trino');
  return new TrinoDb(parseTrinoUrl(url, { password: env.trinoPassword }), { password: env.trinoPassword });
}

function renderResult(result: ReadOnlyQueryResult): string {
  const shown = result.rows
    .slice(0, SHOWN_ON_TERMINAL)
    .map((row) => row.map((v) => (typeof v === 'number' ? v : String(v ?? ''))));
  const more =
    result.rows.length > SHOWN_ON_TERMINAL
      ? `\n… ${result.rows.length - SHOWN_ON_TERMINAL} more rows (use --csv or --json)`
      : '';
  return `${renderTable(
    result.columns.map((c) => c.name),
    shown,
  )}${more}\n(${result.rows.length} rows, ${result.elapsedMs.toFixed(0)} ms)`;
}
