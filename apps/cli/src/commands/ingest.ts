import path from 'node:path';
import {
  DECIMAL_SEPARATORS,
  type DecimalSeparator,
  type IngestIssue,
  type IngestSummary,
  THOUSANDS_SEPARATORS,
  type ThousandsSeparator,
} from '@retain/schemas';
import type { MapTablesSummary } from '@retain/trino/mapTables';
import type { SectionRequest } from '@retain/warehouse';
import { BadInputError } from '@retain/warehouse/errors';
import type { Command } from 'commander';
import { cliRequester } from '../audit.ts';
import { env } from '../env.ts';
import { UsageError } from '../output/errors.ts';
import { flagOf } from '../output/flagNames.ts';
import { ProgressBar } from '../output/progressBar.ts';
import { renderTable } from '../output/table.ts';
import { withWarehouse } from '../warehouse.ts';
import { checkAlertsAfterCliLoad } from './alerts.ts';

interface IngestFlags {
  db?: string;
  engine?: string;
  mapping?: string;
  purchases?: string;
  complaints?: string;
  returns?: string;
  customers?: string;
  dateFormat?: string;
  decimalSeparator?: string;
  thousandsSeparator?: string;
  allowOutsideFiles?: boolean;
  currency?: string;
  json?: boolean;
}

const SECTION_FLAGS = ['customers', 'purchases', 'complaints', 'returns'] as const;

export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description(
      'Load purchase, complaint, return and customer exports into the warehouse (all files or none).',
    )
    .option('--mapping <file>', 'mapping file for exports with their own headers (see README)')
    .option(
      '--allow-outside-files',
      'let the mapping name files outside its own folder (refused by default, links followed)',
    )
    .option(
      '--purchases <file>',
      'purchases / order lines with canonical headers (CSV, CSV.GZ, Parquet, JSON)',
    )
    .option('--complaints <file>', 'complaints with canonical headers')
    .option('--returns <file>', 'returns with canonical headers')
    .option('--customers <file>', 'customers with canonical headers')
    .option(
      '--date-format <strptime>',
      'date format of the files given with canonical headers, e.g. "%d/%m/%Y"',
    )
    .option('--decimal-separator <char>', 'decimal separator of those files: "." (default) or ","')
    .option(
      '--thousands-separator <char>',
      'thousands separator of those files: ".", ",", " " or "\'" (e.g. "." for 1.234,50)',
    )
    .option(
      '--currency <code>',
      'currency of the amounts, an ISO 4217 code such as EUR (stored with the data; a mapping may say "currency")',
    )
    .option('--db <path>', 'database file (default data/retain.duckdb, or RETAIN_DB)')
    .option(
      '--engine <url>',
      'map the tables the --mapping file names in place on a Trino cluster: trino://USER@HOST:PORT/CATALOG/SCHEMA (or RETAIN_ENGINE)',
    )
    .option('--json', 'print the summary as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ retain ingest --purchases orders.csv --complaints tickets.csv --returns returns.csv --customers customers.csv
  $ retain ingest --mapping exports/mapping.json --json
  $ retain ingest --engine trino://analyst@trino.internal:8080/lake/retain --mapping lake-mapping.json

Loading the same rows again adds nothing: they are reported as duplicates. On any bad value the
command exits with code 2, lists the file, line and column of each problem, and writes nothing.
With --engine the mapping's sections name tables ("table": "lake.sales.order_lines"): they are
checked on the cluster and mapped there as the views purchases, returns, complaints and customers
of the URL's schema, all of them or none; the currency (--currency, or the mapping's "currency")
is stored there too.`,
    )
    .action(async (flags: IngestFlags) => {
      const engine = await engineFor(flags);
      if (engine) {
        await mapOnEngine(engine, flags);
        return;
      }
      const [{ readMappingFile }, { loadFiles }] = await Promise.all([
        import('@retain/warehouse'),
        import('@retain/workflows'),
      ]);
      const requests = (() => {
        try {
          return requestsFromFlags(flags, readMappingFile);
        } catch (error) {
          throw error instanceof BadInputError ? withHints(error, []) : error;
        }
      })();
      const bar = new ProgressBar(env.interactive && !flags.json);
      const summary = await withWarehouse(flags.db, async (warehouse) => {
        const loaded = await loadFiles(warehouse, requests, {
          requester: cliRequester(),
          onProgress: (p) => bar.update(`${p.section}: ${p.step}`, p.percent),
        }).catch((error: unknown) => {
          throw error instanceof BadInputError ? withHints(error, requests) : error;
        });
        bar.done();
        await checkAlertsAfterCliLoad(warehouse);
        return loaded;
      }).finally(() => bar.done());
      if (flags.json) console.log(JSON.stringify(summary, null, 2));
      else console.log(renderSummary(summary));
      for (const warning of summary.warnings) console.error(`warning: ${warning}`);
    });
}

/**
 * The engine that maps tables in place: --engine, or RETAIN_ENGINE when the mapping's sections all
 * name tables (with files, RETAIN_ENGINE, which the analytics verbs read, leaves loading alone).
 */
async function engineFor(flags: IngestFlags): Promise<string | null> {
  const flag = flags.engine?.trim();
  if (flag) return flag;
  if (!env.engine || !flags.mapping || flags.db !== undefined) return null;
  const { mappingNamesTables } = await import('@retain/workflows');
  return mappingNamesTables(flags.mapping) ? env.engine : null;
}

async function mapOnEngine(engine: string, flags: IngestFlags): Promise<void> {
  if (!flags.mapping) {
    throw new UsageError('--engine maps the tables a mapping file names: give --mapping FILE');
  }
  const files = [...SECTION_FLAGS, 'dateFormat', 'decimalSeparator', 'thousandsSeparator'] as const;
  const fileFlags = files.filter((f) => flags[f] !== undefined).map(flagOf);
  if (flags.allowOutsideFiles) fileFlags.push('--allow-outside-files');
  if (fileFlags.length > 0) {
    throw new UsageError(
      `${fileFlags.join(', ')} appl${fileFlags.length === 1 ? 'ies' : 'y'} to files loaded into the database file, not to tables mapped with --engine`,
    );
  }
  if (flags.db !== undefined) {
    throw new UsageError('--engine maps tables on the cluster and writes no database file: leave out --db');
  }
  const { mapEngineTables } = await import('@retain/workflows');
  const summary = await mapEngineTables({
    engine,
    password: env.trinoPassword,
    mapping: flags.mapping,
    currency: currencyFlag(flags),
  });
  console.log(flags.json ? JSON.stringify(summary, null, 2) : renderMapped(summary));
}

function renderMapped(summary: MapTablesSummary): string {
  const whole = new Intl.NumberFormat('en-US');
  const source = (s: MapTablesSummary['sections'][(typeof SECTION_FLAGS)[number]]) => {
    if (s.view === 'mapped') return s.table ?? '';
    if (s.view === 'lines') return '(negative purchase lines)';
    return s.view === 'kept' ? "(kept: the schema's own)" : '(empty)';
  };
  const rows = SECTION_FLAGS.map((name) => {
    const s = summary.sections[name];
    return [
      name,
      source(s),
      whole.format(s.rows),
      whole.format(s.customers),
      whole.format(s.skipped),
      whole.format(s.toReturns),
    ];
  });
  return [
    `Mapped on ${summary.engine} in ${summary.seconds.toFixed(1)} s: views purchases, returns, complaints, customers in ${summary.schema}.`,
    '',
    renderTable(['', 'source', 'rows', 'customers', 'skipped', 'to returns'], rows),
    ...(summary.currency === null
      ? []
      : ['', `Amounts in ${summary.currency}, stored beside them as the view retain_settings.`]),
  ].join('\n');
}

function requestsFromFlags(
  flags: IngestFlags,
  readMappingFile: (file: string, options: { allowFilesOutsideFolder?: boolean }) => SectionRequest[],
): SectionRequest[] {
  const direct = SECTION_FLAGS.filter((s) => flags[s] !== undefined);
  if (flags.mapping && direct.length > 0) {
    throw new UsageError('use either --mapping or the per-section file options (--purchases …), not both');
  }
  if (flags.allowOutsideFiles && !flags.mapping) {
    throw new UsageError('--allow-outside-files applies to --mapping only');
  }
  const formatFlags = (['dateFormat', 'decimalSeparator', 'thousandsSeparator'] as const).filter(
    (f) => flags[f] !== undefined,
  );
  if (flags.mapping && formatFlags.length > 0) {
    throw new UsageError(
      `${formatFlags.map(flagOf).join(', ')} appl${formatFlags.length === 1 ? 'ies' : 'y'} to files given with --purchases … only; a mapping file says it per section`,
    );
  }
  const decimalSeparator = oneOf(flags.decimalSeparator, DECIMAL_SEPARATORS, '--decimal-separator');
  const thousandsSeparator = oneOf(flags.thousandsSeparator, THOUSANDS_SEPARATORS, '--thousands-separator');
  const currency = currencyFlag(flags);
  if (flags.mapping) {
    const mapped = readMappingFile(flags.mapping, {
      allowFilesOutsideFolder: flags.allowOutsideFiles === true,
    });
    return currency === undefined ? mapped : mapped.map((r) => ({ ...r, currency }));
  }
  if (direct.length === 0) {
    throw new UsageError(
      'nothing to load: give --mapping FILE or at least one of --purchases/--complaints/--returns/--customers',
    );
  }
  return direct.map((section) => ({
    section,
    file: path.resolve(flags[section] as string),
    dateFormat: flags.dateFormat,
    decimalSeparator,
    thousandsSeparator,
    currency,
  }));
}

/** --currency in capitals, refused when it cannot be an ISO 4217 code; undefined when not given. */
function currencyFlag(flags: IngestFlags): string | undefined {
  const currency = flags.currency?.trim().toUpperCase();
  if (currency !== undefined && !/^[A-Z]{3}$/.test(currency))
    throw new UsageError(
      `--currency must be an ISO 4217 code such as EUR, USD or GBP (got "${flags.currency}")`,
    );
  return currency;
}

function oneOf<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  flag: string,
): T | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`${flag} must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
}

/**
 * The load's problems say what is wrong with a value; where a setting may be what is wrong
 * instead, the CLI says where to change it: the mapping file's key, or the flag.
 */
function withHints(error: BadInputError, requests: readonly SectionRequest[]): BadInputError {
  if (error.detail.params?.table !== undefined)
    return new BadInputError(
      `${error.message} Pass --engine trino://USER@HOST:PORT/CATALOG/SCHEMA (or set RETAIN_ENGINE) to map it there.`,
      error.issues,
      error.totalIssues,
      error.detail,
    );
  if (error.code === 'outsideFolder')
    return new BadInputError(
      `${error.message.replace(/\.$/, '')} with --allow-outside-files.`,
      error.issues,
      error.totalIssues,
      error.detail,
    );
  const issues = error.issues.map((issue) => {
    const request = requests.find((r) => (r.name ?? r.file) === issue.file);
    const hint = request ? hintFor(issue, request) : null;
    return hint ? { ...issue, reason: `${issue.reason}; ${hint}` } : issue;
  });
  return new BadInputError(error.message, issues, error.totalIssues, error.detail);
}

function hintFor(issue: IngestIssue, request: SectionRequest): string | null {
  const mapping = request.origin ? path.basename(request.origin) : null;
  const key = (field: string) => `"${field}" in ${mapping}`;
  const decimal: DecimalSeparator = request.decimalSeparator ?? '.';
  const thousands: ThousandsSeparator | undefined = request.thousandsSeparator;
  switch (issue.field) {
    case 'dateFormat':
      if (request.dateFormat) return mapping ? `check ${key('dateFormat')}` : 'check --date-format';
      return mapping
        ? `set ${key('dateFormat')} for other formats`
        : 'give --date-format for other formats, e.g. --date-format "%d/%m/%Y"';
    case 'decimalSeparator':
    case 'thousandsSeparator':
      if (decimal === '.' && thousands === undefined) {
        return mapping
          ? `set "decimalSeparator": "," in ${mapping} for 12,50, and "thousandsSeparator": "." for 1.234,50`
          : 'give --decimal-separator , for 12,50, and --thousands-separator . for 1.234,50';
      }
      return mapping
        ? `check "decimalSeparator" and "thousandsSeparator" in ${mapping}`
        : 'check --decimal-separator and --thousands-separator';
    case 'skipRowsWithoutCustomer':
      return mapping ? `or set "skipRowsWithoutCustomer": true in ${mapping} to leave such lines out` : null;
    default:
      return null;
  }
}

function renderSummary(summary: IngestSummary): string {
  const moved = summary.purchases.toReturns > 0;
  const rows = SECTION_FLAGS.map((s) => {
    const x = summary[s];
    const row: Array<string | number> = [s, x.rows, x.inserted, x.updated, x.duplicates, x.skipped];
    if (moved) row.push(x.toReturns);
    return row;
  });
  const headers = ['', 'rows', 'inserted', 'updated', 'duplicates', 'skipped'];
  if (moved) headers.push('to returns');
  const changed = SECTION_FLAGS.some((s) => summary[s].inserted + summary[s].updated > 0);
  const headline = changed
    ? `Loaded in ${summary.seconds.toFixed(1)} s; data version ${summary.dataVersion}.`
    : `Nothing new to load (${summary.seconds.toFixed(1)} s); data version stays ${summary.dataVersion}.`;
  return [headline, '', renderTable(headers, rows)].join('\n');
}
