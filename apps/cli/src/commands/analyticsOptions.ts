import type { Warehouse } from '@retain/warehouse';
import type { AnalyticsTarget, OpenEngine } from '@retain/workflows';
import type { Command } from 'commander';
import type { z } from 'zod';
import { env } from '../env.ts';
import { analyticsValueChecks, checkFilterValues } from '../filterValues.ts';
import { UsageError } from '../output/errors.ts';
import { flagOf } from '../output/flagNames.ts';
import { withWarehouse } from '../warehouse.ts';

/** Flags every analytics verb takes: the filters, --db, --engine and --json. */
export interface AnalyticsFlags {
  db?: string;
  engine?: string;
  json?: boolean;
  from?: string;
  to?: string;
  channel?: string;
  region?: string;
  category?: string;
  complained?: string;
}

export function addAnalyticsOptions(command: Command): Command {
  return command
    .option('--from <date>', 'only customers whose first order is on or after this day (YYYY-MM-DD)')
    .option(
      '--to <date>',
      'only customers whose first order is on or before this day; later activity is ignored',
    )
    .option(
      '--channel <list>',
      'only customers whose first order came through these channels (comma-separated)',
    )
    .option('--region <list>', 'only customers whose first order came from these regions')
    .option('--category <list>', "only customers whose first order's largest line was in these categories")
    .option('--complained <yes|no>', 'only customers with (yes) or without (no) a complaint')
    .option('--db <path>', 'database file (default data/retain.duckdb, or RETAIN_DB)')
    .option(
      '--engine <url>',
      'read the facts tables on a Trino cluster instead: trino://USER@HOST:PORT/CATALOG/SCHEMA (or RETAIN_ENGINE)',
    )
    .option('--json', 'print as JSON');
}

const list = (value: string | undefined) =>
  value === undefined
    ? undefined
    : value
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== '');

export function filtersFromFlags(flags: AnalyticsFlags): Record<string, unknown> {
  let complained: boolean | undefined;
  if (flags.complained !== undefined) {
    const answer = flags.complained.toLowerCase();
    if (['yes', 'y', 'true'].includes(answer)) complained = true;
    else if (['no', 'n', 'false'].includes(answer)) complained = false;
    else throw new UsageError('--complained must be yes or no');
  }
  return {
    from: flags.from,
    to: flags.to,
    channel: list(flags.channel),
    region: list(flags.region),
    category: list(flags.category),
    complained,
  };
}

/** Validates an input with the API's own schema; a mistake names the flag (exit code 2). */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  // The flag's name, not an index within a repeated flag's values.
  const field = String(issue?.path.findLast((p) => typeof p === 'string') ?? '');
  throw new UsageError(`${flagOf(field)}: ${issue?.message ?? 'invalid value'}`);
}

/**
 * Opens where an analytics verb reads: the warehouse (--db), or the Trino cluster --engine or
 * RETAIN_ENGINE names; on either, first refuses a channel, region or category in `filters` that
 * the facts there do not hold (with the closest known ones). The verb computes its figures with
 * the same workflow as the dashboard's procedure, so that the two answer alike; `warehouse` is null
 * on a cluster, `engine` null on the warehouse.
 */
export async function withAnalytics<T>(
  flags: Pick<AnalyticsFlags, 'db' | 'engine'>,
  task: (source: AnalyticsTarget, warehouse: Warehouse | null, engine: OpenEngine | null) => Promise<T>,
  filters: Parameters<typeof analyticsValueChecks>[0] = {},
): Promise<T> {
  const { withAnalyticsEngine } = await import('@retain/workflows');
  const checks = analyticsValueChecks(filters);
  return withAnalyticsEngine(
    { flag: flags.engine, env: env.engine, password: env.trinoPassword },
    (open) =>
      withWarehouse(flags.db, async (warehouse) => {
        await checkFilterValues(warehouse, checks);
        return open(warehouse);
      }),
    async (source, warehouse, engine) => {
      if (engine) await checkFilterValues(engine.db, checks);
      return task(source, warehouse, engine);
    },
  );
}

const percentFormat = new Intl.NumberFormat('en-US', {
  style: 'percent',
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
});
const decimalFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

export function formatShare(value: number | null): string {
  return value === null ? '–' : percentFormat.format(value);
}

export function formatDecimal(value: number | null): string {
  return value === null ? '–' : decimalFormat.format(value);
}
